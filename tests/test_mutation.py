"""The mutation check (``cerite.assurance.mutation``): its patches still apply to the sources, a
cheap mutant is caught and the unpatched copy passes; the full run is slow."""

import dataclasses

import pytest

from cerite.assurance.mutation import MUTANTS, Mutant, check_applies, run_mutant

CHEAP_TEST = "tests/test_formal_ntt_array.py::test_banks_conflict_free_and_routed[n16-b2]"


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_every_patch_applies(mutant):
    patched = check_applies(mutant)
    assert mutant.new in patched and patched.count(mutant.old) == 0


def test_the_list_covers_the_required_bugs():
    names = {m.name for m in MUTANTS}
    assert {"ntt-bank-map-off-by-one", "ntt-wrong-twiddle", "mmu-skip-permission-check",
            "tlb-ignores-asid", "link-skips-crc", "barrett-no-final-correction"} <= names


def test_a_patch_that_no_longer_matches_is_reported():
    stale = dataclasses.replace(MUTANTS[0], old="this text is not in the file")
    with pytest.raises(ValueError, match=r"must occur exactly once in hw/ntt/agu.py, not 0 "):
        check_applies(stale)


def test_cheap_mutant_is_caught_and_the_clean_copy_passes():
    bank = next(m for m in MUTANTS if m.name == "ntt-bank-map-off-by-one")
    caught = run_mutant(dataclasses.replace(bank, tests=(CHEAP_TEST,)), timeout_s=600)
    assert caught["caught"], caught["log_tail"]
    assert caught["failed_test"] == CHEAP_TEST
    clean = Mutant("none", "no change", bank.path, bank.old, bank.old, (CHEAP_TEST,))
    passed = run_mutant(clean, timeout_s=600)
    assert passed["returncode"] == 0 and not passed["caught"], passed["log_tail"]


@pytest.mark.slow
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_every_mutant_is_caught(mutant):
    result = run_mutant(mutant, timeout_s=3600)
    assert result["caught"], result["log_tail"]
