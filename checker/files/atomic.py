"""The one writer: every file granska writes goes through `write_file`, atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from checker.errors import GranskaError


def write_file(
    path: Path, data: bytes | str, check: Callable[[Path], object] | None = None
) -> None:
    """Write `data` to `path` atomically; a failed write leaves no partial file.

    `check` receives the temporary path (e.g. to re-read a written YAML file with the
    strict loader); if it raises, the temporary file is removed and `path` is untouched.
    """
    try:
        _write_atomically(Path(path), data, check)
    except OSError as error:
        raise GranskaError(f"cannot write output: {error.strerror}", str(path)) from None


def _write_atomically(
    path: Path, data: bytes | str, check: Callable[[Path], object] | None
) -> None:
    """Write to a temporary file beside `path`, optionally `check` it, then rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if check is not None:
            check(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
