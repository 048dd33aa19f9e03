"""The package list in pyproject.toml covers every Python package folder of the checkout."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_folders():
    """Dotted package name -> folder, for every __init__.py under the mapped folders."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {}
    for package, folder in config["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found[".".join([package, *relative.parts])] = init.parent
    return config, found


def test_mapped_folders_are_disjoint():
    config, _ = package_folders()
    folders = [ROOT / f for f in config["package-dir"].values()]
    for a in folders:
        for b in folders:
            assert a == b or a not in b.parents


def test_every_package_folder_is_listed():
    config, found = package_folders()
    listed = set(config["packages"])
    assert sorted(set(found) - listed) == [], "add these to [tool.setuptools] packages"
    assert sorted(listed - set(found)) == [], "listed packages without a folder"
