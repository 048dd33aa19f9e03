# amaranth: UnusedElaboratable=no
"""Every Python example of docs/guide.md runs: the blocks of one section share a namespace and
run in order. Blocks fenced ```` ```python slow ```` start the simulated board (a Verilator build
on first use) and run only under ``-m slow``."""

import contextlib
import io
import linecache
import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide.md"
_FENCE = re.compile(r"^```python( slow)?\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _sections():
    """``[(section title, [(slow, code, line)])]`` of the guide, sections with Python only."""
    text = GUIDE.read_text()
    out = []
    for match in _FENCE.finditer(text):
        title = re.findall(r"^##+ (.+)$", text[:match.start()], re.MULTILINE)
        section = title[-1] if title else "(top)"
        block = (bool(match.group(1)), match.group(2), text.count("\n", 0, match.start()) + 2)
        if out and out[-1][0] == section:
            out[-1][1].append(block)
        else:
            out.append((section, [block]))
    return out


def _run(blocks):
    namespace = {"__name__": "guide_example"}
    for _, code, line in blocks:
        # The examples look at components without elaborating them, like the test files that
        # build throw-away designs: the same first-line pragma keeps Amaranth quiet about it.
        name = f"<docs/guide.md, example at line {line}>"
        source = "# amaranth: UnusedElaboratable=no\n" + code
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        compiled = compile(source, name, "exec")
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(compiled, namespace)  # noqa: S102 - the guide's own examples
        assert out.getvalue(), f"the example at docs/guide.md:{line} prints nothing"


_QUICK = [(title, blocks) for title, blocks in _sections()
          if not any(slow for slow, _, _ in blocks)]
_SLOW = [(title, blocks) for title, blocks in _sections() if any(slow for slow, _, _ in blocks)]


def test_guide_has_examples():
    assert len(_QUICK) >= 6 and len(_SLOW) >= 1
    sections = {title for title, _ in _QUICK + _SLOW}
    assert {"NTT array: `cerite.hw.ntt.array.NTTArray`", "The host driver",
            "Adding a board"} <= sections


@pytest.mark.parametrize("title, blocks", _QUICK, ids=[t for t, _ in _QUICK])
def test_guide_example(title, blocks):
    _run(blocks)


@pytest.mark.slow
@pytest.mark.parametrize("title, blocks", _SLOW, ids=[t for t, _ in _SLOW])
def test_guide_example_on_the_simulated_board(title, blocks):
    _run(blocks)
