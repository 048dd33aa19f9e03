"""Assurance tools of issue 8: Verilator coverage of the regression (:mod:`.coverage`), fault
campaigns in simulation (:mod:`.campaigns`) and the mutation check of the tests
(:mod:`.mutation`). Each runs as ``python -m cerite.assurance.<name>``."""
