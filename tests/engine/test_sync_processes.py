"""Real processes on one SQLite workspace: a sync killed in the middle of its write, and two
syncs at once (WAL and the busy timeout: no "database is locked", nothing lost).

The processes run ``python sync_script.py <workspace> [sources...]`` and print their report
as JSON. The tests wait for events (a marker file, the processes' exit) in bounded loops;
they never assert on timing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rrma_core import Workspace

from ._helpers import Feed, dump_records, many_events, source_row
from .conftest import Workspaces

Serve = Callable[..., Feed]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

SYNC_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from rrma_core import Workspace

    root, names = sys.argv[1], sys.argv[2:] or None
    with Workspace.open(root) as ws:
        ws.store  # open the database before the start line
        start_line = os.environ.get("RRMA_TEST_START_LINE")
        if start_line:  # wait until every process is ready, so that they sync at once
            folder = Path(start_line)
            (folder / f"ready-{os.getpid()}").touch()
            parties = int(os.environ["RRMA_TEST_PARTIES"])
            give_up = time.monotonic() + 60
            while len(list(folder.glob("ready-*"))) < parties:
                if time.monotonic() > give_up:
                    sys.exit("the other process never came")
                time.sleep(0.01)
        report = ws.sync(names)
        print(json.dumps(report.to_dict()))
    sys.exit(0 if report.ok else 1)
    """
)

BLOCKING_PLUGIN = textwrap.dedent(
    """
    '''Blocks inside the write of a sync, after touching a marker file, until killed.'''
    import os
    import threading
    from pathlib import Path

    from rrma_core import hookimpl

    calls = 0


    @hookimpl
    def rrma_match_record(record, candidates):
        global calls
        marker = os.environ.get("RRMA_TEST_MARKER")
        if marker is None:
            return None
        calls += 1
        if calls == int(os.environ["RRMA_TEST_BLOCK_AFTER"]):
            Path(marker).write_text(str(calls))
            threading.Event().wait()  # until SIGKILL
        return None
    """
)


def _script(tmp_path: Path) -> Path:
    script = tmp_path / "sync_script.py"
    script.write_text(SYNC_SCRIPT, encoding="utf-8")
    return script


def _start(
    tmp_path: Path, name: str, root: Path, sources: list[str], env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    out, err = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(_script(tmp_path)), str(root), *sources],
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, **env},
        )
    return process, out, err


def _wait_for(
    condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], err: Path
) -> None:
    """Poll ``condition`` (a wait for an event, bounded at 60 s), failing early if the
    process ends first."""
    give_up = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(
                f"the process ended ({process.returncode}) before {what}:\n"
                + err.read_text(errors="replace")
            )
        if time.monotonic() > give_up:
            process.kill()
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_sync_killed_mid_write_leaves_the_store_as_before(
    sqlite_workspace: Workspace,
    sqlite_workspaces: Workspaces,
    serve: Serve,
    tmp_path: Path,
) -> None:
    ws = sqlite_workspace
    feed = serve("/grand-agenda.jsonl", many_events(200), etag=True)
    ws.add_source("agenda", "jsonl", url=feed.url)
    assert ws.sync().sources[0].new == 200
    records_before = dump_records(ws)
    state_before = source_row(ws, "agenda")

    # The file grows to 3,000 screenings; the next sync is killed after 1,000 new ones.
    feed.items = many_events(3000)
    plugin = ws.root / "plugins" / "blocker.py"
    plugin.write_text(BLOCKING_PLUGIN, encoding="utf-8")
    marker = tmp_path / "blocked.marker"
    process, _out, err = _start(
        tmp_path,
        "killed",
        ws.root,
        [],
        {"RRMA_TEST_MARKER": str(marker), "RRMA_TEST_BLOCK_AFTER": "1000"},
    )
    _wait_for(marker.exists, "the sync reached its 1,000th new record", process, err)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert marker.read_text() == "1000"

    # The database is sound and holds exactly what it held before that sync.
    with sqlite3.connect(ws.root / "rrma.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw.execute("SELECT count(*) FROM records").fetchone() == (200,)
    raw.close()
    plugin.unlink()
    fresh = sqlite_workspaces.open()
    assert fresh.store.count("event") == 200
    assert dump_records(fresh) == records_before
    assert source_row(fresh, "agenda") == state_before  # validators not advanced

    # A clean sync stores everything.
    report = fresh.sync()
    agenda = report.sources[0]
    assert (agenda.status, agenda.new, agenda.unchanged, agenda.withdrawn) == ("ok", 2800, 200, 0)
    assert fresh.store.count("event") == 3000
    assert feed.requests[-1].get("If-None-Match") == state_before["validators"][feed.url]["etag"]


def _run_together(
    tmp_path: Path, root: Path, commands: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    """Start one process per command at once (a start line); return their reports."""
    start_line = tmp_path / "start-line"
    start_line.mkdir()
    env = {"RRMA_TEST_START_LINE": str(start_line), "RRMA_TEST_PARTIES": str(len(commands))}
    running = {
        name: _start(tmp_path, name, root, sources, env) for name, sources in commands.items()
    }
    reports = {}
    for name, (process, out, err) in running.items():
        code = process.wait(timeout=120)
        stderr = err.read_text(errors="replace")
        assert "database is locked" not in stderr
        assert code == 0, f"{name} exited {code}:\n{stderr}\n{out.read_text()}"
        reports[name] = json.loads(out.read_text().strip().splitlines()[-1])
    return reports


def _overlap(runs: list[dict[str, Any]]) -> bool:
    first, second = runs
    return (
        first["started_at"] < second["finished_at"] and second["started_at"] < first["finished_at"]
    )


def test_two_processes_syncing_different_sources_at_once(
    sqlite_workspace: Workspace, serve: Serve, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    sides: dict[str, list[str]] = {"nord": [], "sud": []}
    for side, names in sides.items():
        for n in range(3):
            name = f"agenda-{side}-{n}"
            feed = serve(f"/{name}.jsonl", many_events(500, prefix=name))
            ws.add_source(name, "jsonl", url=feed.url)
            names.append(name)

    reports = _run_together(tmp_path, ws.root, sides)
    for side in sides:
        assert [(s["source"], s["status"], s["new"]) for s in reports[side]["sources"]] == [
            (name, "ok", 500) for name in sides[side]
        ]
    assert ws.store.count("event") == 3000
    runs = ws.store.runs()
    assert len(runs) == 6
    assert _overlap(  # the two processes did sync at the same time
        [
            {
                "started_at": min(r["started_at"] for r in runs if side in r["source"]),
                "finished_at": max(r["finished_at"] for r in runs if side in r["source"]),
            }
            for side in sides
        ]
    )
    with sqlite3.connect(ws.root / "rrma.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()


def test_two_processes_syncing_the_same_sources_at_once(
    sqlite_workspace: Workspace, serve: Serve, tmp_path: Path
) -> None:
    ws = sqlite_workspace
    names = [f"agenda-{n}" for n in range(3)]
    for name in names:
        feed = serve(f"/{name}.jsonl", many_events(600, prefix=name))
        ws.add_source(name, "jsonl", url=feed.url)

    reports = _run_together(tmp_path, ws.root, {"premier": [], "second": []})
    for name in names:
        seen = [
            next(s for s in reports[process]["sources"] if s["source"] == name)
            for process in ("premier", "second")
        ]
        assert all(s["status"] == "ok" for s in seen), seen
        # One process stored the 600 items, the other found them stored: none lost, none
        # stored twice.
        assert sorted((s["new"], s["unchanged"]) for s in seen) == [(0, 600), (600, 0)], seen
    assert ws.store.count("event", withdrawn=True) == 1800
    assert len({e.provenance[0].source_id for e in ws.events()}) == 1800
