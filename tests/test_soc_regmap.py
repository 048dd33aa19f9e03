# amaranth: UnusedElaboratable=no
"""The generated host register map (software/regmap_generated.py) is current and means what the
gateware says."""

import importlib.util

from cerite import regmap_generated
from cerite.hw.soc.ident import IDENT_HEADER, IDENT_MAGIC
from cerite.hw.soc.top import PROFILES, SoC
from cerite.regmap import regmap_path, render_regmap, write_regmap


def test_checked_in_regmap_is_current():
    assert regmap_path().read_text() == render_regmap(), (
        "software/regmap_generated.py is stale: regenerate it with "
        "`python -c 'from cerite.regmap import write_regmap; write_regmap()'` (`cerite regmap`)")


def test_written_map_imports_and_round_trips(tmp_path):
    path = write_regmap(tmp_path / "map.py")
    spec = importlib.util.spec_from_file_location("generated_map", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.PROFILES == regmap_generated.PROFILES
    assert module.MAGIC == IDENT_MAGIC and module.IDENT_HEADER == IDENT_HEADER
    assert path.read_text().splitlines()[2].startswith("generated — do not edit")


def test_map_follows_the_gateware():
    for name in PROFILES:
        soc = SoC(profile=name, clk_freq=12_000_000, baud=3_000_000)
        data = regmap_generated.PROFILES[name]
        assert data["map_hash"] == soc.map_hash
        assert data["parameters"] == {p.name: p.value for p in soc.parameters}
        for cluster in soc.describe()["clusters"]:
            generated = data["clusters"][cluster["name"]]
            assert generated["base"] == cluster["base"]
            for reg in cluster["registers"]:
                assert generated["registers"][reg["name"]]["address"] == \
                    cluster["base"] + reg["offset"]
