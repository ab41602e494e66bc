"""Atomic output: a file is written to a temporary name beside it and renamed into place, so a
failed run never leaves a half-written file and an earlier output stays intact."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from ascbench.errors import AscbenchError


def _discard(path) -> None:
    """Remove a temporary or backup file if it is there; a failure to remove it is not news."""
    try:
        os.unlink(path)
    except OSError:
        pass


def _cannot_write(path, exc: OSError):
    return AscbenchError(
        f"cannot write: {exc.strerror or exc}",
        file=str(path),
        field="output",
        expected="a path in a directory that can be written",
    )


def write_atomic(path: str | Path, data, encoding: str = "utf-8") -> None:
    """Write ``data`` (text, bytes, or a function that writes into a binary file handle) to
    ``path`` through a temporary file renamed into place. A file system refusal (no such
    directory, read-only, full) is a located error, not a crash."""
    try:
        _write_atomic(Path(path), data, encoding)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _stage(path: Path, data, encoding: str = "utf-8") -> str:
    """Write ``data`` in full (flushed and synced) to a temporary file beside ``path``, with
    the permissions a new file would have; return its name. Nothing is left on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            if callable(payload):
                payload(handle)
            else:
                handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _write_atomic(path: Path, data, encoding: str) -> None:
    tmp = _stage(path, data, encoding)
    try:
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise


def write_set_atomic(files: dict, lock: str | Path | None = None) -> None:
    """Write several files as one set: every file is first written in full to a temporary
    name beside its target, and only when all are written are they renamed into place
    (:func:`_swap_in`: all or none), so a failure leaves every earlier file as it was. With
    ``lock`` (a directory, created if needed) the renames happen under an exclusive ``flock``
    on the directory itself - no lock file is left behind - so two runs writing the same set
    cannot mix their files."""
    staged: list[tuple[str, Path]] = []
    current = None
    try:
        for path, data in files.items():
            current = Path(path)
            staged.append((_stage(current, data), current))
        current = lock
        with _locked(Path(lock)) if lock else contextlib.nullcontext():
            _swap_in(staged)
    except BaseException as exc:
        for tmp, _ in staged:
            _discard(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(getattr(exc, "filename", None) or current, exc) from None
        raise


def _swap_in(staged: list[tuple[str, Path]]) -> None:
    """Rename each staged file onto its target, all or none: each existing target is first
    kept under a hard link, and if any rename fails the targets already replaced are put
    back (and new ones removed) before the error is raised."""
    backups: dict[Path, str | None] = {}
    done: list[Path] = []
    try:
        for _, path in staged:
            if path.exists():
                backup = f"{path.parent}/.{path.name}.{os.getpid()}.bak"
                _discard(backup)
                os.link(path, backup)
                backups[path] = backup
            else:
                backups[path] = None
        for tmp, path in staged:
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in reversed(done):
            try:
                if backups.get(path):
                    os.replace(backups[path], path)
                    backups[path] = None
                else:
                    _discard(path)
            except OSError:
                pass
        raise
    finally:
        for backup in backups.values():
            if backup:
                _discard(backup)


def _locked(directory: Path):
    """An exclusive advisory lock on ``directory`` (created), released on exit."""

    @contextlib.contextmanager
    def hold():
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    return hold()
