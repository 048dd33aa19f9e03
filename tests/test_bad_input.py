# amaranth: UnusedElaboratable=no
"""Invalid inputs that the bad-input table (docs/bad-input.md) lists and no other test covers.

Each test provokes one kind of bad input at one layer and asserts the exact error text; the table
cites these tests by name beside the ones in the unit test files.
"""

import re

import numpy as np
import pytest

from cerite import cli
from cerite.assurance import campaigns, coverage
from cerite.driver.link import Link, encode_request, encode_response
from cerite.driver.transport import Transport
from cerite.ntt import golden
from cerite.sim.verilog import generate_verilog
from cerite.tb.common import pack, param


class SilentTransport(Transport):
    """A transport that never answers (argument checks must fail before any byte is sent)."""

    def __init__(self):
        self.sent = b""

    def write(self, data):
        self.sent += data

    def read(self, size, timeout):
        return b""

    def close(self):
        pass


# -- link bytes (host side) ---------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,message", [
    ((0x02, 256, 0), {}, "seq must be an integer in 0..255, not 256"),
    ((0x02, -1, 0), {}, "seq must be an integer in 0..255, not -1"),
    ((0x100, 0, 0), {}, "command must be an integer in 0..255, not 256"),
    ((0x02, 0, 1 << 32), {}, "address must be an integer in 0..4294967295, not 4294967296"),
    ((0x02, 0, 0), {"length": 1 << 16}, "length must be an integer in 0..65535, not 65536"),
    ((0x04, 0, 0), {"payload": [1 << 32]}, "word 0 must be an integer in 0..4294967295, "
                                            "not 4294967296"),
    ((0x02, True, 0), {}, "seq must be an integer in 0..255, not True"),
])
def test_wrong_request_fields(args, kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        encode_request(*args, **kwargs)


def test_wrong_response_fields():
    with pytest.raises(ValueError, match=r"^status must be an integer in 0\.\.255, not 300$"):
        encode_response(0x02, 0, 300)
    with pytest.raises(ValueError, match=r"^count must be an integer in 0\.\.4294967295, not -1$"):
        encode_response(0x02, 0, 0, count=-1)


@pytest.mark.parametrize("call,message", [
    (lambda link: link.read(0x100, 0), "count must be a positive integer, not 0"),
    (lambda link: link.read(0x100, True), "count must be a positive integer, not True"),
    (lambda link: link.read(-4, 1), "address must be an integer in 0..4294967295, not -4"),
    (lambda link: link.write(0x100, []), "words must not be empty"),
    (lambda link: link.write(0x100, [-1]), "word 0 must be an integer in 0..4294967295, not -1"),
])
def test_wrong_link_call_arguments_send_nothing(call, message):
    transport = SilentTransport()
    link = Link(transport, retries=0, timeout=0.01)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call(link)
    assert transport.sent == b""


# -- golden models ------------------------------------------------------------------------------

@pytest.mark.parametrize("call,error,message", [
    (lambda: golden.ntt_forward([1, 2, 3], 7681), ValueError,
     "length of a must be a power of two >= 2, not 3"),
    (lambda: golden.ntt_forward([0] * 7 + [7681], 7681), ValueError,
     "a[7] = 7681 is not in [0, q) for q = 7681"),
    (lambda: golden.ntt_forward([-1] + [0] * 7, 7681), ValueError,
     "a[0] = -1 is not in [0, q) for q = 7681"),
    (lambda: golden.ntt_forward(np.zeros(8), 7681), TypeError,
     "a must hold integers, not float64"),
    (lambda: golden.ntt_forward(np.zeros((2, 4), dtype=np.int64), 7681), ValueError,
     "a must be one-dimensional, not shape (2, 4)"),
    (lambda: golden.ntt_forward([0] * 8, 1), ValueError, "q must be >= 2, not 1"),
    (lambda: golden.pointwise_mul([0] * 8, [0] * 4, 7681), ValueError,
     "a and b must have the same length, not 8 and 4"),
    (lambda: golden.check_width(268042241, 14), ValueError,
     "width 14 is too small for q = 268042241 (needs 28 bits)"),
])
def test_wrong_golden_ntt_arguments(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()


def test_wrong_psi():
    with pytest.raises(ValueError, match=r"^psi = 2 is not a primitive 2n-th root of unity mod "
                                         r"q = 7681 for n = 8"):
        golden.make_context(7681, 8, 2)


# -- simulation harness -------------------------------------------------------------------------

def test_wrong_module_name():
    with pytest.raises(ValueError, match=r"^module name must be a Verilog identifier, "
                                         r"not '2fast'$"):
        generate_verilog(None, "2fast")


def test_missing_testbench_parameter(monkeypatch):
    monkeypatch.delenv("PARAM_LANES", raising=False)
    with pytest.raises(KeyError, match=r"parameter 'lanes' was not passed to this testbench "
                                       r"\(expected environment variable PARAM_LANES\)"):
        param("lanes")
    monkeypatch.setenv("PARAM_LANES", "4")
    assert param("lanes") == 4


def test_testbench_value_too_wide():
    with pytest.raises(ValueError, match=r"^value 16384 does not fit 14 bits$"):
        pack([1, 16384], 14)


# -- command line -------------------------------------------------------------------------------

def test_cli_without_a_command(capsys):
    assert cli.main([]) == 2
    assert "usage:" in capsys.readouterr().out


def test_cli_unknown_command(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["teleport"])
    assert info.value.code == 2
    assert "invalid choice: 'teleport'" in capsys.readouterr().err


def test_cli_wrong_choice(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["mmu", "translate", "--access", "q"])
    assert info.value.code == 2
    assert "invalid choice: 'q'" in capsys.readouterr().err


def test_cli_wrong_integer(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["mmu", "translate", "--count", "many"])
    assert info.value.code == 2
    assert "invalid int value: 'many'" in capsys.readouterr().err


def test_cli_wrong_device_spec(capsys):
    assert cli.main(["ntt", "info", "--device", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not 'nowhere'" in err


# -- assurance commands -------------------------------------------------------------------------

def test_wrong_coverage_unit(capsys):
    with pytest.raises(SystemExit) as info:
        coverage.main(["--units", "gpu", "--report-only", "--folder", "."])
    assert info.value.code == 2
    assert "unit must be one of modmul, ntt_array, lvm_mmu, soc, not 'gpu'" in capsys.readouterr().err


def test_wrong_campaign_name(capsys):
    with pytest.raises(SystemExit) as info:
        campaigns.main(["--only", "disk"])
    assert info.value.code == 2
    assert "campaign must be mmu, link or ntt, not 'disk'" in capsys.readouterr().err
