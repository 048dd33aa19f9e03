"""Host API of the SoC's NTT array unit (``cerite.hw.soc.ntt_unit``): contexts, slots, transforms.

Drives the command sequence of the NTT array (``hw/ntt/array.py``; conventions of docs/ntt.md,
after Microsoft SEAL / Intel HEXL: forward Cooley-Tukey natural in, bit-reversed out; inverse
Gentleman-Sande) through the ``ntt`` registers of a :class:`~cerite.driver.device.Device`. The
context words come from :func:`cerite.hw.ntt.context.hw_context_words`, the same helper the
testbenches use. Every argument is checked before anything is sent; a command the array rejects
or fails raises the :class:`NttError` subclass of its cause.
"""

import time
from dataclasses import dataclass

from .args import as_int

__all__ = ["NttError", "NttBusyError", "NttBadOpError", "NttBadSlotError", "NttNoContextError",
           "NttRangeError", "NttContextError", "NttAbortedError", "NttTimeout", "OPS",
           "REDUCER_NAMES", "PolyMulResult", "NttInterface"]

#: Command codes (``cerite.hw.ntt.ops.Op``).
OPS = {"load": 1, "unload": 2, "ntt": 3, "intt": 4, "pwmul": 5, "context": 6}
#: Reducer codes of the ``ntt_reducer`` parameter.
REDUCER_NAMES = ("barrett", "montgomery", "solinas")


class NttError(Exception):
    """The NTT array reported an error; ``cause`` is its code (``cerite.hw.ntt.ops.Cause``)."""

    cause = None

    def __init__(self, message, *, op=None):
        super().__init__(message)
        self.op = op


class NttBusyError(NttError):
    """A command was started while another was running (cause 1)."""
    cause = 1


class NttBadOpError(NttError):
    """The operation code is not one the array knows (cause 2)."""
    cause = 2


class NttBadSlotError(NttError):
    """A slot number is not below the array's slot count (cause 3)."""
    cause = 3


class NttNoContextError(NttError):
    """A data operation before a valid context was loaded (cause 4)."""
    cause = 4


class NttRangeError(NttError):
    """A streamed coefficient or twiddle was ``>= q`` (cause 5)."""
    cause = 5


class NttContextError(NttError):
    """The context header failed the array's checks (cause 6)."""
    cause = 6


class NttAbortedError(NttError):
    """The command was aborted (cause 7)."""
    cause = 7


class NttTimeout(NttError):
    """A command did not finish in time."""


_ERRORS = {cls.cause: cls for cls in (NttBusyError, NttBadOpError, NttBadSlotError,
                                      NttNoContextError, NttRangeError, NttContextError,
                                      NttAbortedError)}
_CAUSE_TEXT = {1: "the array was busy", 2: "bad operation code", 3: "bad slot",
               4: "no valid context is loaded", 5: "a coefficient or twiddle was >= q",
               6: "the context header was rejected", 7: "the command was aborted"}


@dataclass(frozen=True)
class PolyMulResult:
    """A product on the device: ``coeffs`` (list of ints in ``[0, q)``), ``q`` and the busy
    ``cycles`` of each compute command (``ntt_a``, ``ntt_b``, ``pwmul``, ``intt``)."""
    coeffs: list
    q: int
    cycles: dict

    @property
    def compute_cycles(self):
        """Cycles of the four compute commands together."""
        return sum(self.cycles.values())


class NttInterface:
    """The ``ntt`` unit of ``device``.

    Parameters
    ----------
    device : Device
        An open device whose design has the unit.
    unit : str
        Cluster name of the unit (default ``"ntt"``).
    timeout : float
        Seconds a command may take before :class:`NttTimeout`.

    Attributes ``n``, ``log_n``, ``width``, ``lanes``, ``reducer``, ``slots``,
    ``pipeline_depth``, ``dsp_width`` (0: products not split) and ``latency`` (``L`` of the
    cycle counts) are the elaborated parameters the device reports; ``q`` is the modulus of the
    loaded context (``None`` before :meth:`load_context`).
    """

    def __init__(self, device, *, unit="ntt", timeout=10.0):
        params = device.identity.parameters
        if f"{unit}_log_n" not in params:
            raise ValueError(f"the device has no NTT unit {unit!r}")
        self.device = device
        self.unit = unit
        self.timeout = float(timeout)
        self.log_n = params[f"{unit}_log_n"]
        self.n = 1 << self.log_n
        self.width = params[f"{unit}_width"]
        self.lanes = params[f"{unit}_lanes"]
        self.reducer = REDUCER_NAMES[params[f"{unit}_reducer"]]
        self.slots = params[f"{unit}_slots"]
        self.pipeline_depth = params[f"{unit}_pipeline_depth"]
        self.dsp_width = params[f"{unit}_dsp_width"]
        self.latency = params[f"{unit}_latency"]
        self.q = None
        self.psi = None

    # -- checks -----------------------------------------------------------------------------

    def _slot(self, slot, name="slot"):
        slot = as_int(slot, name)
        if not 0 <= slot < self.slots:
            raise ValueError(f"{name} must be in 0..{self.slots - 1}, not {slot}")
        return slot

    def _check_q(self, q):
        q = as_int(q, "q")
        if q < 3:
            raise ValueError(f"q must be an odd prime >= 3, not {q}")
        if q.bit_length() > self.width:
            raise ValueError(f"q = {q} needs {q.bit_length()} bits, more than the array's "
                             f"width {self.width}")
        return q

    def _coeffs(self, coeffs, q, name="coefficients"):
        try:
            values = list(coeffs)
        except TypeError:
            raise TypeError(f"{name} must be a sequence of integers, not "
                            f"{type(coeffs).__name__}") from None
        if len(values) != self.n:
            raise ValueError(f"{name} must have length N = {self.n}, not {len(values)}")
        out = []
        for i, x in enumerate(values):
            x = as_int(x, f"{name}[{i}]")
            if not 0 <= x < q:
                raise ValueError(f"{name}[{i}] = {x} is outside [0, q) for q = {q}")
            out.append(x)
        return out

    def _need_context(self):
        if self.q is None:
            raise NttNoContextError("no context is loaded: call load_context(q) first")

    # -- commands ---------------------------------------------------------------------------

    def status(self):
        """The status register as a dict (``busy``, ``done``, ``error``, ``cause``,
        ``ctx_valid``)."""
        word = self.device.read(f"{self.unit}.status")
        return {"busy": word & 1, "done": word >> 1 & 1, "error": word >> 2 & 1,
                "cause": word >> 4 & 7, "ctx_valid": word >> 8 & 1}

    def _start(self, op, slot_a=0, slot_b=0):
        self.device.write(f"{self.unit}.control", start=1, op=op, slot_a=slot_a, slot_b=slot_b)

    def _check_start(self, name):
        """Raise the error a start was rejected with (nothing runs then)."""
        status = self.status()
        if status["error"] and not status["busy"]:
            self._raise(status["cause"], name)
        return status

    def _raise(self, cause, name):
        cls = _ERRORS.get(cause, NttError)
        raise cls(f"NTT {name}: {_CAUSE_TEXT.get(cause, f'cause {cause}')}", op=name)

    def _wait(self, name):
        deadline = time.monotonic() + self.timeout
        while True:
            status = self.status()
            if not status["busy"] and (status["done"] or status["error"]):
                break
            if time.monotonic() > deadline:
                self.abort()
                raise NttTimeout(f"NTT {name} did not finish in {self.timeout} s", op=name)
        if status["error"]:
            self._raise(status["cause"], name)
        return self.device.read(f"{self.unit}.cycles")

    def abort(self):
        """Abort the running command (the array reports ABORTED)."""
        self.device.write(f"{self.unit}.control", abort=1)

    def load_context(self, q, n=None, psi=None):
        """Load the context of modulus ``q`` (a prime ``= 1 mod 2N`` below ``2**width``),
        length ``n`` (default and only value: the array's ``N``) and root ``psi`` (default
        the minimal primitive 2N-th root); return the CONTEXT command's cycles."""
        from ..hw.ntt.context import hw_context_words
        from ..ntt.golden import make_context
        n = self.n if n is None else as_int(n, "n")
        if n != self.n:
            raise ValueError(f"n must be the array's N = {self.n}, not {n}")
        q = self._check_q(q)
        if self.reducer == "solinas" and q != 2**32 - 2**20 + 1:
            raise ValueError(f"q must be {2**32 - 2**20 + 1} for the solinas reducer, not {q}")
        ctx = make_context(q, n, psi)  # ValueError for a q or psi that does not fit
        words = hw_context_words(ctx, width=self.width, reducer=self.reducer)
        self.q = None
        self._start(OPS["context"])
        self._check_start("context")
        self.device.write_window(f"{self.unit}.data", words)
        cycles = self._wait("context")
        self.q, self.psi = q, ctx.psi
        return cycles

    def load(self, slot, coeffs):
        """Stream ``N`` coefficients in ``[0, q)`` into ``slot``; return the LOAD cycles."""
        slot = self._slot(slot)
        self._need_context()
        values = self._coeffs(coeffs, self.q)
        self._start(OPS["load"], slot)
        self._check_start("load")
        self.device.write_window(f"{self.unit}.data", values)
        return self._wait("load")

    def unload(self, slot):
        """Return the ``N`` coefficients of ``slot`` (natural order, in ``[0, q)``)."""
        slot = self._slot(slot)
        self._need_context()
        self._start(OPS["unload"], slot)
        self._check_start("unload")
        values = self.device.read_window(f"{self.unit}.data", self.n)
        self._wait("unload")
        return values

    def _compute(self, name, slot_a, slot_b=0):
        self._need_context()
        self._start(OPS[name], slot_a, slot_b)
        return self._wait(name)

    def forward(self, slot):
        """Forward NTT of ``slot`` in place (natural in, bit-reversed out); return cycles."""
        return self._compute("ntt", self._slot(slot))

    def inverse(self, slot):
        """Inverse NTT of ``slot`` in place (bit-reversed in, natural out, times ``N**-1``);
        return cycles."""
        return self._compute("intt", self._slot(slot))

    def pointwise(self, slot_a, slot_b):
        """``slot_a[i] = slot_a[i] * slot_b[i] mod q``; return cycles."""
        return self._compute("pwmul", self._slot(slot_a, "slot_a"), self._slot(slot_b, "slot_b"))

    def poly_mul(self, a, b, q=None):
        """Negacyclic product ``a * b mod (X**N + 1, q)`` on the device (slots 0 and 1).

        ``q`` loads its context first when it is not the one loaded; ``None`` uses the loaded
        one. Returns a :class:`PolyMulResult`.
        """
        if self.slots < 2:
            raise ValueError(f"poly_mul needs 2 slots; the array has {self.slots}")
        if q is not None:
            q = self._check_q(q)
            if q != self.q:
                self.load_context(q)
        self._need_context()
        a = self._coeffs(a, self.q, "a")
        b = self._coeffs(b, self.q, "b")
        self.load(0, a)
        self.load(1, b)
        cycles = {"ntt_a": self.forward(0), "ntt_b": self.forward(1),
                  "pwmul": self.pointwise(0, 1), "intt": self.inverse(0)}
        return PolyMulResult(self.unload(0), self.q, cycles)

    def rns_poly_mul(self, a, b, moduli):
        """The product of ``a`` and ``b`` modulo ``(X**N + 1, Q)``, ``Q`` the product of
        ``moduli`` (distinct NTT primes below ``2**width``), limb by limb on the device and
        recombined by the CRT.

        ``a`` and ``b`` are ``N`` integers (any size and sign; reduced mod each limb). Returns
        ``(coeffs in [0, Q), [PolyMulResult per limb])``.
        """
        from ..ntt.rns import RnsBasis, from_rns, to_rns
        moduli = [self._check_q(q) for q in moduli]
        basis = RnsBasis(moduli, self.n)
        a_limbs, b_limbs = to_rns(a, basis), to_rns(b, basis)
        results = [self.poly_mul(x.tolist(), y.tolist(), q)
                   for x, y, q in zip(a_limbs, b_limbs, moduli)]
        return list(from_rns([r.coeffs for r in results], basis)), results

    def cycle_bounds(self):
        """Ideal cycles of each compute command, ``B`` butterflies (or products) every cycle:
        NTT ``(N/2) log2 N / B``, INTT ``((N/2) log2 N + N/2) / B``, PWMUL ``N / B``."""
        n, b = self.n, self.lanes
        half = n // 2 * self.log_n
        return {"ntt": half // b, "intt": (half + n // 2) // b, "pwmul": n // b}

    def expected_cycles(self):
        """Exact busy cycles of each compute command of this array
        (:meth:`cerite.hw.ntt.array.NTTArray.op_cycles` without building it)."""
        from ..hw.ntt.ops import Op, compute_cycles
        return {name: compute_cycles(op, log_n=self.log_n, lanes=self.lanes,
                                     latency=self.latency)
                for name, op in (("ntt", Op.NTT), ("intt", Op.INTT), ("pwmul", Op.PWMUL))}
