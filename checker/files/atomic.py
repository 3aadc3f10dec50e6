"""The one writer: every file granska writes goes through `write_file`, atomically.

What it will replace is decided here, once: only a regular file (never a FIFO, a device
or a directory), never one of the command's own input files, never a file with other hard
links (a rename would silently split them). A symlink is written through to its target.
A replaced file keeps its permission bits; a new one gets those the umask allows. The
temporary file is removed on any failure, an interrupt or SIGTERM included (the command
line turns SIGTERM into an exception), and errors name the target, never the temporary.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from checker.errors import GranskaError

_NEW_FILE_MODE = 0o666  # the umask takes away what the user does not want


def write_file(
    path: Path,
    data: bytes | str,
    check: Callable[[Path], object] | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """Write `data` to `path` atomically; a failed write leaves no partial file.

    `check` receives the temporary path (e.g. to re-read a written YAML file with the
    strict loader) just before the rename; if it raises, the temporary file is removed
    and `path` is untouched. `inputs` are the files the command read: writing over one
    of them is refused.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    mode = _replaceable_mode(path, target, inputs)
    try:
        _write_atomically(target, data, check, mode)
    except GranskaError as error:
        if error.file and Path(error.file).name.startswith(f".{target.name}."):
            error.file = str(path)
        raise
    except OSError as error:
        raise GranskaError(f"cannot write output: {error.strerror}", str(path)) from None


def _replaceable_mode(path: Path, target: Path, inputs: Iterable[Path]) -> int | None:
    """The permission bits to keep when `target` exists (None when it does not); refuses
    a target that is not a plain file granska may replace."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise GranskaError(f"cannot write output: {error.strerror}", str(path)) from None
    if not stat.S_ISREG(status.st_mode):
        raise GranskaError(
            "not a regular file (a directory, FIFO or device); refusing to replace it",
            str(path),
        )
    for source in inputs:
        try:
            same = os.path.samefile(source, target)
        except OSError:
            continue
        if same:
            raise GranskaError(
                f"is the input file {source}; refusing to write over it (choose another -o)",
                str(path),
            )
    if status.st_nlink > 1:
        raise GranskaError(
            f"has {status.st_nlink} hard links; replacing it would split them "
            "(write to another file)",
            str(path),
        )
    return stat.S_IMODE(status.st_mode)


def _write_atomically(
    path: Path, data: bytes | str, check: Callable[[Path], object] | None, mode: int | None
) -> None:
    """Write to a temporary file beside `path`, optionally `check` it, then rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    temporary, handle = _create_temporary(directory, path.name)
    try:
        with os.fdopen(handle, "wb") as stream:
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        if check is not None:
            check(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _create_temporary(directory: Path, name: str) -> tuple[Path, int]:
    """A new hidden file beside the target, created with the umask's permissions."""
    for _attempt in range(100):
        temporary = directory / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            return temporary, os.open(temporary, flags, _NEW_FILE_MODE)
        except FileExistsError:
            continue
    raise GranskaError("no free name for a temporary file", str(directory))
