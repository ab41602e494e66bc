"""A write stopped by a signal is rolled back (issue 31): SIGTERM (a CI timeout, ``docker
stop``) and SIGHUP between the dashboard's renames leave every earlier file as it was and no
``.bak`` or ``.tmp`` beside them, as Ctrl-C does; in a real process, stopped at the rename step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ascbench.io import atomic
from ascbench.io.atomic import PAUSE_HOOK, Interrupted, write_atomic, write_set_atomic


def _dashboard(out: Path, title: str, env=None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ascbench", "dashboard", "--out", str(out), "--title", title],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_between_the_dashboards_renames_rolls_every_file_back(tmp_path, sig):
    out = tmp_path / "dash"
    first = _dashboard(out, "First edition")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    before = _files(out)
    assert sorted(before) == ["dashboard.csv", "dashboard.html", "dashboard.md", "dashboard.xlsx"]

    marker = tmp_path / "paused"
    second = _dashboard(out, "Second edition", {PAUSE_HOOK: str(marker)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert second.poll() is None, second.stderr.read()
        assert time.monotonic() < deadline, "the dashboard never reached its renames"
        time.sleep(0.05)
    # one file is already renamed into place: the new HTML sits beside the old Markdown
    assert b"Second edition" in (out / "dashboard.html").read_bytes()
    second.send_signal(sig)
    status = second.wait(timeout=60)
    stderr = second.stderr.read()
    assert status == 128 + sig, stderr
    assert (
        f"ascbench: interrupted by {signal.Signals(sig).name}; every output file is as it was or wholly written"
        in stderr.splitlines()
    )
    assert _files(out) == before  # every file as it was, and nothing else (.bak, .tmp) beside them


def test_sigint_still_rolls_back_too(tmp_path):
    out = tmp_path / "dash"
    assert _dashboard(out, "First edition").wait(timeout=120) == 0
    before = _files(out)
    marker = tmp_path / "paused"
    second = _dashboard(out, "Second edition", {PAUSE_HOOK: str(marker)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert second.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    second.send_signal(signal.SIGINT)
    assert second.wait(timeout=60) != 0
    assert _files(out) == before


def test_an_interrupted_rename_in_process_leaves_nothing_behind(tmp_path, monkeypatch):
    """os.replace raising (as the signal handler does) on the second file of a set: the first
    is put back, every staged file and backup removed."""
    targets = {tmp_path / "a.txt": "new a", tmp_path / "b.txt": "new b", tmp_path / "c.txt": "new c"}
    for path in list(targets)[:2]:
        path.write_text(f"old {path.stem}")
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise Interrupted(signal.SIGTERM)
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(Interrupted):
        write_set_atomic(targets)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.txt": "old a", "b.txt": "old b"}


def test_a_single_file_interrupted_leaves_no_temporary_file(tmp_path, monkeypatch):
    def replace(src, dst):
        raise Interrupted(signal.SIGHUP)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(Interrupted, match="interrupted by SIGHUP"):
        write_atomic(tmp_path / "out.csv", "a,b\n")
    assert list(tmp_path.iterdir()) == []


def test_the_handlers_are_restored_after_a_write(tmp_path):
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    write_set_atomic({tmp_path / "x.txt": "x"})
    write_atomic(tmp_path / "y.txt", "y")
    assert {s: signal.getsignal(s) for s in before} == before


def test_an_ignored_signal_stays_ignored(tmp_path):
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        seen = []
        real = atomic._stage

        def stage(path, data, encoding="utf-8"):
            seen.append(signal.getsignal(signal.SIGHUP))
            return real(path, data, encoding)

        atomic._stage, saved = stage, atomic._stage
        try:
            write_set_atomic({tmp_path / "x.txt": "x"})
        finally:
            atomic._stage = saved
        assert seen == [signal.SIG_IGN]  # nohup's choice is kept during the write
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_sigterm_sent_to_itself_during_the_renames_in_process(tmp_path, monkeypatch):
    """The signal itself, not an exception standing in for it: delivered between two renames
    of the dashboard run through click, in this process."""
    from click.testing import CliRunner

    from ascbench.cli import cli

    out = tmp_path / "dash"
    assert CliRunner().invoke(cli, ["dashboard", "--out", str(out), "--title", "First"]).exit_code == 0
    before = _files(out)
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        result = real(src, dst)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # handled at the next bytecode: after this rename
        return result

    monkeypatch.setattr(atomic.os, "replace", replace)
    result = CliRunner().invoke(cli, ["dashboard", "--out", str(out), "--title", "Second"])
    monkeypatch.setattr(atomic.os, "replace", real)
    assert result.exit_code == 143, result.output
    assert "interrupted by SIGTERM" in result.stderr
    assert _files(out) == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back
