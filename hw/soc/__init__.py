"""The system on chip: UART, host link, identification block and the SoC top level."""
