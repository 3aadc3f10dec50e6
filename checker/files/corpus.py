"""A corpus of case files: finding them under files and directories given by the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.errors import GranskaError

CASE_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_CASE_DIRS = (Path("tests/cases"), Path("examples"))


def case_files(paths: Sequence[Path]) -> list[Path]:
    """Every case file among `paths`: files as given, a directory's own case files; sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(
                child
                for child in path.iterdir()
                if child.suffix.lower() in CASE_SUFFIXES
                and child.is_file()
                and not child.name.startswith(".")
            )
        elif path.is_file():
            found.add(path)
        else:
            raise GranskaError("no such file or directory", str(path))
    return sorted(found)


def default_case_dirs() -> list[Path]:
    """tests/cases and examples under the working directory, those that exist."""
    dirs = [path for path in DEFAULT_CASE_DIRS if path.is_dir()]
    if not dirs:
        raise GranskaError(
            "no case directory given, and neither tests/cases nor examples "
            "exists here; pass the directory of cases"
        )
    return dirs
