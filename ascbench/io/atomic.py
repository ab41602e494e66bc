"""Atomic output: a file is written to a temporary name beside it and renamed into place, so a
failed run never leaves a half-written file and an earlier output stays intact.

An interruption is a failure like any other: while a file or a set is written, SIGTERM (a CI
job's timeout, ``docker stop``) and SIGHUP (a closed terminal) are handled as Ctrl-C is, by
raising :class:`Interrupted` where the program is, so that the same rollback runs (staged
files removed, replaced files put back, no ``.tmp`` or ``.bak`` left). The handlers are
installed for the write only and the previous ones restored after; a signal the process
ignores (``nohup``) stays ignored. A signal that arrives once the rollback or the final
clean-up has begun is held until it is done, then raised.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ascbench.errors import AscbenchError

HANDLED_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")
PAUSE_HOOK = "ASCBENCH_TEST_PAUSE_BEFORE_RENAME"  # tests only: a file to create, then wait to be signalled


class Interrupted(BaseException):
    """A write stopped by a signal (SIGTERM, SIGHUP; SIGINT raises KeyboardInterrupt), after
    its rollback. A BaseException, as KeyboardInterrupt is: nothing should carry on."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"interrupted by {self.name}")


class _SignalGuard:
    """Signals turned into exceptions for the span of one write (see the module docstring).
    ``hold()`` stops raising (the rollback or the clean-up has begun): later signals are
    kept and the first is raised when the guard is left."""

    def __init__(self) -> None:
        self.armed = True
        self.pending: int | None = None
        self.previous: dict[int, Any] = {}

    def _handle(self, signum, frame) -> None:
        if not self.armed:
            if self.pending is None:
                self.pending = signum
            return
        self.armed = False
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Interrupted(signum)

    def hold(self) -> None:
        self.armed = False

    def __enter__(self):
        if threading.current_thread() is not threading.main_thread():
            return self  # handlers belong to the main thread; elsewhere, nothing changes
        for name in HANDLED_SIGNALS:
            number = getattr(signal, name, None)
            if number is None:
                continue
            current = signal.getsignal(number)
            if current is signal.SIG_IGN:
                continue  # ignored on purpose (nohup): stays ignored
            self.previous[number] = current
            signal.signal(number, self._handle)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.armed = False
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        if self.pending is not None and exc is None:
            if self.pending == signal.SIGINT:
                raise KeyboardInterrupt
            raise Interrupted(self.pending)


def _pause_for_tests() -> None:
    """With :data:`PAUSE_HOOK` set, create that file and wait (up to 60 s) for a signal: a
    test sends SIGTERM between two renames of a set."""
    marker = os.environ.get(PAUSE_HOOK)
    if not marker:
        return
    Path(marker).write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.01)


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
    directory, read-only, full) is a located error, not a crash; a signal leaves no
    temporary file."""
    try:
        with _SignalGuard() as guard:
            _write_atomic(Path(path), data, encoding, guard)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _stage(path: Path, data, encoding: str = "utf-8") -> str:
    """Write ``data`` in full (flushed and synced) to a temporary file beside ``path``, with
    the permissions a new file would have; return its name. Nothing is left on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            if callable(payload):
                payload(handle)
            else:
                handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        if tmp is not None:
            _discard(tmp)
        raise
    return tmp


def _write_atomic(path: Path, data, encoding: str, guard: _SignalGuard) -> None:
    tmp = _stage(path, data, encoding)
    try:
        os.replace(tmp, path)
    except BaseException:
        guard.hold()
        _discard(tmp)
        raise
    guard.hold()


def write_set_atomic(files: dict, lock: str | Path | None = None) -> None:
    """Write several files as one set: every file is first written in full to a temporary
    name beside its target, and only when all are written are they renamed into place
    (:func:`_swap_in`: all or none), so a failure leaves every earlier file as it was. With
    ``lock`` (a directory, created if needed) the renames happen under an exclusive ``flock``
    on the directory itself - no lock file is left behind - so two runs writing the same set
    cannot mix their files."""
    staged: list[tuple[str, Path]] = []
    current: str | Path | None = None
    try:
        with _SignalGuard() as guard:
            try:
                for path, data in files.items():
                    current = Path(path)
                    staged.append((_stage(current, data), current))
                current = lock
                with _locked(Path(lock)) if lock else contextlib.nullcontext():
                    _swap_in(staged, guard)
            except BaseException:
                guard.hold()
                for tmp, _ in staged:
                    _discard(tmp)
                raise
    except OSError as exc:
        raise _cannot_write(getattr(exc, "filename", None) or current, exc) from None


def _swap_in(staged: list[tuple[str, Path]], guard: _SignalGuard | None = None) -> None:
    """Rename each staged file onto its target, all or none: each existing target is first
    kept under a hard link, and if any rename fails (or a signal arrives) the targets already
    replaced are put back (and new ones removed) before the error is raised."""
    backups: dict[Path, str | None] = {}
    done: list[Path] = []
    try:
        for _, path in staged:
            if path.exists():
                backup = f"{path.parent}/.{path.name}.{os.getpid()}.bak"
                backups[path] = backup
                _discard(backup)
                os.link(path, backup)
            else:
                backups[path] = None
        for tmp, path in staged:
            if done:
                _pause_for_tests()
            done.append(path)  # before the rename: a signal between the two still rolls it back
            os.replace(tmp, path)
        if guard is not None:
            guard.hold()  # all renamed: the clean-up below is not interrupted
    except BaseException:
        if guard is not None:
            guard.hold()
        for path in reversed(done):
            kept = backups.get(path)
            try:
                if kept:  # (a target not yet renamed is the backup's own file: rename does nothing,
                    os.replace(kept, path)  # and the backup's name goes in the clean-up below)
                else:
                    _discard(path)
            except OSError:
                pass
        raise
    finally:
        for kept in backups.values():
            if kept:
                _discard(kept)


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
