"""Fault campaigns (cerite.assurance.campaigns): the quick variants, and the damage generator.

The quick runs use the same code as the full campaigns with small counts; the full counts
(10**5 MMU translations per profile, 10**4 link frames, 600 NTT commands per configuration) run
under ``slow`` and from ``python -m cerite.assurance.campaigns``.
"""

import random

import pytest

from cerite.assurance.campaigns import (FULL, NTT_CONFIGS, QUICK, REQUEST_DAMAGE, damage,
                                        link_campaign, main, mmu_campaign, ntt_campaign)
from cerite.driver.link import Command, encode_request


@pytest.mark.parametrize("profile", ["full", "small"])
def test_mmu_campaign_quick(profile):
    stats = mmu_campaign(profile, requests=QUICK["mmu_requests"], segment=250)
    assert stats["requests"] == QUICK["mmu_requests"]
    assert stats["segments"] == 4
    assert stats["error_words"] > 0
    assert any(k.endswith("/ACCESS") for k in stats["faults"]), stats["faults"]


def test_link_campaign_quick():
    stats = link_campaign(frames=QUICK["link_frames"], seed=11)
    assert stats["frames"] == QUICK["link_frames"]
    assert stats["bad_writes"] == 0
    assert stats["answers"].get("BAD_CRC") and stats["answers"].get("dropped")
    assert stats["host_ops"] > 0 and stats["response_chunks_damaged"] > 0


def test_ntt_campaign_quick():
    stats = ntt_campaign(NTT_CONFIGS[0], commands=QUICK["ntt_commands"])
    assert stats["commands"] == QUICK["ntt_commands"]
    assert any("ABORTED" in k for k in stats["outcomes"]), stats["outcomes"]


@pytest.mark.parametrize("kind", [k for k in REQUEST_DAMAGE if k != "none"])
def test_damage_never_leaves_the_frame_intact(kind):
    rng = random.Random(3)
    for seq in range(200):
        frame = encode_request(Command.WRITE, seq % 256, 0x100 + seq % 4,
                               payload=[rng.getrandbits(32) for _ in range(1 + seq % 3)])
        damaged = damage(frame, kind, rng)
        assert frame not in damaged and damaged


def test_unknown_damage_kind():
    with pytest.raises(ValueError, match=r"^unknown damage 'melt'$"):
        damage(b"\xa5\x02\x00\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", "melt", random.Random(0))


def test_wrong_profile():
    with pytest.raises(ValueError, match=r"^profile must be full or small, not 'tiny'$"):
        mmu_campaign("tiny", requests=1)


@pytest.mark.slow
def test_campaigns_full_counts(tmp_path):
    assert FULL["mmu_requests"] >= 10**5 and FULL["link_frames"] >= 10**4
    assert main(["--out", str(tmp_path)]) == 0
