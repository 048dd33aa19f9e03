"""Test-session set-up shared by every test: the model cache lives in the checkout."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Built Verilator models are reused across xdist workers and across runs (see cerite.sim.models).
os.environ.setdefault("CERITE_CACHE_DIR", str(ROOT / ".cache" / "cerite"))
