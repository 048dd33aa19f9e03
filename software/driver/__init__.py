"""Host driver of the cerite SoC: transports, the host-link protocol and the `Device` API.

The same code drives the simulated board (``sim``, the default) and a real board (``serial:PORT``);
only the :class:`~cerite.driver.transport.Transport` differs. See ``docs/host-link.md``.
"""

from .device import Device, DesignMismatch, open_device
from .link import (Command, DeviceAccessDenied, DeviceBadAddress, DeviceBadCommand, DeviceBadCRC,
                   DeviceBadLength, DeviceBusError, DeviceBusTimeout, DeviceError,
                   DeviceReplayLost, Link, LinkCorrupted, LinkError, LinkTimeout, Status)
from .transport import (SerialTransport, SimTransport, Transport, TransportError,
                        open_transport)

__all__ = [
    "Device", "DesignMismatch", "open_device",
    "Command", "Status", "Link", "LinkError", "LinkTimeout", "LinkCorrupted", "DeviceError",
    "DeviceBadCRC", "DeviceBadCommand", "DeviceBadLength", "DeviceBadAddress", "DeviceBusError",
    "DeviceBusTimeout", "DeviceAccessDenied", "DeviceReplayLost",
    "Transport", "TransportError", "SimTransport", "SerialTransport", "open_transport",
]
