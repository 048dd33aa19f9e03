# cerite — the two commands (`make demo`, `make test`) and their friends.
# Prerequisites: Python >= 3.10, a C++ compiler, make, perl. Everything else comes from PyPI into .venv.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.cerite-installed
# pytest-xdist workers; CI machines have two cores.
JOBS    ?= auto

.PHONY: help demo test test-all fpga fpga-all rtl lint bench coverage campaigns mutation clean distclean

help:
	@echo "make demo      run the demo on the simulated board (sets up .venv on first use)"
	@echo "make test      run the regression (excludes the slow and fpga markers)"
	@echo "make test-all  run everything, slow sweeps included"
	@echo "make fpga      build the ICEBreaker and ULX3S-85F SoC bitstreams and the smoke designs (fpga marker)"
	@echo "make fpga-all  every bitstream: the boards' SoCs and each unit alone (hours)"
	@echo "make bench     run every benchmark, regenerate docs/results/ (reuses FPGA reports)"
	@echo "make coverage  Verilator line/toggle coverage of the cocotb regression -> docs/results/"
	@echo "make campaigns fault campaigns on MMU, host link and NTT array -> docs/results/"
	@echo "make mutation  deliberate bugs in a copy of the sources, each must be caught"
	@echo "make rtl       regenerate the checked-in Verilog under rtl/"
	@echo "make clean     remove built simulator models and test outputs"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/cerite demo

test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS)

test-all: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "slow or not slow"

fpga: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,fpga]'
	$(BIN)/python -m pytest -n $(JOBS) -m fpga

# The full sweep: both boards' SoC bitstreams and every per-unit build. Hours with the
# WebAssembly nextpnr on two cores; a build that fails (does not fit, times out) is reported and
# the sweep goes on.
fpga-all: fpga
	-$(BIN)/cerite build --board icebreaker
	-$(BIN)/cerite build --board icebreaker --design soc-mmu
	-$(BIN)/cerite build --board ulx3s-85f --timeout 7200
	for d in modmul-barrett-w14 modmul-barrett-w28 ntt-w16-b1 mmu-small mmu-small-radix; do \
		$(BIN)/cerite build --board icebreaker --design $$d --timeout 3600 || true; done
	for d in modmul-barrett-w28 modmul-montgomery-w32 modmul-solinas-w32 ntt-b1 ntt-b2 ntt-b4 \
		ntt-b8 ntt-b1-dsp18 ntt-b2-dsp18 ntt-b4-dsp18 ntt-solinas-b4 ntt-solinas-b8 mmu-full \
		mmu-full-radix; do \
		$(BIN)/cerite build --board ulx3s-85f --design $$d --timeout 7200 || true; done

# Assurance runs (docs/assurance.md): Verilator coverage of the cocotb regression, and the fault
# campaigns at full counts (10^5 translations per MMU profile, 10^4 damaged frames); each writes
# docs/results/.
coverage: $(STAMP)
	$(BIN)/python -m cerite.assurance.coverage

campaigns: $(STAMP)
	$(BIN)/python -m cerite.assurance.campaigns

# Deliberate bugs in a temporary copy of the sources; each must fail the regression.
mutation: $(STAMP)
	$(BIN)/python -m cerite.assurance.mutation

bench: $(STAMP)
	$(BIN)/cerite bench

rtl: $(STAMP)
	$(BIN)/cerite rtl

clean:
	rm -rf .cache/cerite build tests/__pycache__ sim_build

distclean: clean
	rm -rf $(VENV)
