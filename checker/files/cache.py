"""The start-up cache: what costs a process most to build and follows from files alone (the
loaded shipped rules, the compiled report templates and rule texts), kept between runs.

It lives in `$XDG_CACHE_HOME/granska` (by default `~/.cache/granska`); setting
`GRANSKA_NO_CACHE` (to anything but an empty value) turns it off. Each entry has a fixed
slot (the rules directory, the template's name, the rule text), so a new version of the
code or the files replaces entries rather than adding to them, and stores the key it was
built for: the exact content of every file it follows from, the
source of this package (its version with it) and the Python version. An entry whose key
differs is stale and one that cannot be read is ignored; both are rebuilt and replaced
without a word. Entries are written atomically (`files.atomic`), and a cache that cannot
be written only costs the time it would have saved.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from types import CodeType

from checker.errors import GranskaError
from checker.files.strict_yaml import read_regular_file

DISABLE_VARIABLE = "GRANSKA_NO_CACHE"
_MAX_ENTRY_BYTES = 64 * 1024 * 1024


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    if os.environ.get(DISABLE_VARIABLE):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "granska"


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of this package's source (its version included) and the Python version:
    what builds an entry is part of its key."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def files_key(paths: Iterable[Path], *parts: str) -> str:
    """A key for what follows from `paths` (their names and exact content), `parts` and
    this package's code."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        digest.update(part.encode() + b"\0")
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def compiled(
    kind: str, source: str, compile_source: Callable[[str], CodeType], *parts: str
) -> CodeType:
    """The code `compile_source` makes of `source` (a rule text's template), stored in its
    own entry of `kind` for this code and `parts` (what else the compiling depends on)."""
    key = files_key((), *parts)
    stored = read(kind, source, key)
    if stored is not None:
        try:
            code = marshal.loads(stored)
        except Exception:  # a corrupt entry, whatever the fault, is compiled again
            code = None
        if isinstance(code, CodeType):
            return code
    code = compile_source(source)
    write(kind, source, key, marshal.dumps(code))
    return code


def _entry(kind: str, slot: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    return directory / kind / hashlib.sha256(slot.encode()).hexdigest()[:32]


def read(kind: str, slot: str, key: str) -> bytes | None:
    """The content stored in `slot` of `kind` for `key`; None when there is none, it was
    built for another key, or it cannot be read."""
    path = _entry(kind, slot)
    if path is None:
        return None
    try:
        data = read_regular_file(path, _MAX_ENTRY_BYTES)
    except (GranskaError, OSError):
        return None
    stored, separator, content = data.partition(b"\n")
    return content if separator and stored == key.encode() else None


def write(kind: str, slot: str, key: str, content: bytes) -> None:
    """Store `content` in `slot` of `kind` for `key`, atomically; a cache that cannot be
    written is left as it is."""
    from checker.files.atomic import write_file

    path = _entry(kind, slot)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, key.encode() + b"\n" + content)
    except (GranskaError, OSError):
        pass
