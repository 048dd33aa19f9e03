"""Hardware in the loop: the driver suite of tests/test_soc_driver.py on a real board.

Set ``CERITE_DEVICE`` to a serial device (``serial:/dev/ttyUSB1`` or ``serial:PORT@BAUD``) with
a board programmed with a bitstream of this checkout; otherwise every test here is skipped. The
tests are the very functions the simulated board runs (``DRIVER_SUITE``), given the real board
through this module's ``device`` fixture, plus a table-memory round trip of the MMU unit (on the
bitstreams that have one).
"""

import os

import pytest
from test_soc_driver import DRIVER_SUITE
from test_soc_units import test_mmu_table_ram_round_trip_and_bounds as mmu_table_ram_check

from cerite.driver import Device

ENVIRONMENT = "CERITE_DEVICE"


def hil_spec():
    """The real board's device spec from ``$CERITE_DEVICE``, or None (not set, or a ``sim``
    spec: the simulated board has its own tests)."""
    spec = os.environ.get(ENVIRONMENT, "")
    return spec if spec.startswith("serial:") else None


@pytest.fixture(scope="module")
def device():
    spec = hil_spec()
    if spec is None:
        pytest.skip(f"no real board: set {ENVIRONMENT}=serial:/dev/ttyUSB1 (or serial:PORT@BAUD) "
                    f"to run the driver suite on one")
    with Device.open(spec) as dev:
        yield dev


# The same functions, collected again here: pytest gives them this module's ``device``.
for _test in DRIVER_SUITE:
    globals()[_test.__name__] = _test
del _test


def test_mmu_table_ram(device):
    """The MMU unit's table-memory round trip and bounds, on a bitstream that has the unit (the
    ICEBreaker's NTT bitstream has none)."""
    if "mmu_mem_bytes" not in device.identity.parameters:
        pytest.skip(f"the board's design (profile {device.identity.profile}) has no MMU unit")
    mmu_table_ram_check(device)


def test_skip_reason_names_the_variable(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT, "sim")
    assert hil_spec() is None
    monkeypatch.setenv(ENVIRONMENT, "serial:/dev/ttyUSB1")
    assert hil_spec() == "serial:/dev/ttyUSB1"
    monkeypatch.delenv(ENVIRONMENT)
    assert hil_spec() is None
