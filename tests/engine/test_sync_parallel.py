"""A large sync runs its sources in several processes: the same outcome as one process.

``RRMA_SYNC_PROCESSES`` sets how many processes a sync of at least 16 sources uses (Linux
only). A plugin folder's enrichment hook notes the process ids it runs in, so that the tests
see where the work was done; the store is compared with what one process writes.
"""

from __future__ import annotations

import os
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from rrma_core import Workspace, sync
from rrma_core.errors import ConfigError
from rrma_core.storage._store import occurrences_t, provenance_t, records_t, terms_t
from rrma_core.sync import PROCESSES_ENV

from ._helpers import Feed, by_source, event, many_events, record_rows_of
from .conftest import Backend, Workspaces, _backend

Serve = Callable[..., Feed]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="several processes only on Linux (fork)"
)

PIDS_PLUGIN = textwrap.dedent(
    """
    '''Notes the id of each process that enriches a record (and, once, dies in a child).'''
    import os
    from pathlib import Path

    from rrma_core import hookimpl


    @hookimpl
    def rrma_enrich_record(record, source):
        folder = Path(os.environ["RRMA_TEST_PIDS"])
        (folder / str(os.getpid())).touch()
        once = os.environ.get("RRMA_TEST_DIE_ONCE")
        if once and os.getpid() != int(os.environ["RRMA_TEST_PARENT"]):
            try:
                Path(once).touch(exist_ok=False)
            except FileExistsError:
                return None
            os._exit(3)  # a child process dies in the middle of its sources
        return None
    """
)


def _feeds(serve: Serve, count: int) -> list[Feed]:
    """``count`` feeds of 3 screenings each; feed 5 has a bad item, feed 7 is a login page."""
    feeds = []
    for n in range(count):
        items = many_events(3, prefix=f"f{n}")
        if n == 5:
            items.append(event("f5-bad", "Sans date", occurrences=[]))
        feed = serve(f"/feed-{n}.jsonl", items)
        if n == 7:
            feed.body = "<html><body>Connexion</body></html>"
        feeds.append(feed)
    return feeds


def _workspace(
    spaces: Workspaces, feeds: list[Feed], pids: Path, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    ws = spaces.init()
    (ws.root / "plugins").mkdir(exist_ok=True)
    (ws.root / "plugins" / "pids.py").write_text(PIDS_PLUGIN, encoding="utf-8")
    for n, feed in enumerate(feeds):
        ws.add_source(f"feed-{n}", "jsonl", url=feed.url)
    ws.close()
    pids.mkdir()
    monkeypatch.setenv("RRMA_TEST_PIDS", str(pids))
    monkeypatch.setenv("RRMA_TEST_PARENT", str(os.getpid()))
    return spaces.open()


def _content(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of the record tables, without the times of the sync."""
    columns = {
        "records": [records_t.c.id, records_t.c.record_type, records_t.c.content_hash],
        "record_terms": [terms_t.c.record_id, terms_t.c.facet, terms_t.c.code],
        "occurrences": [occurrences_t.c.record_id, occurrences_t.c.start_at],
        "provenance": [provenance_t.c.source, provenance_t.c.source_id, provenance_t.c.record_id],
    }
    with ws.store.engine.connect() as conn:
        return {
            name: sorted(tuple(row) for row in conn.execute(select(*cols)))
            for name, cols in columns.items()
        }


def _summary(report: Any) -> dict[str, tuple[Any, ...]]:
    return {
        s.source: (s.status, s.fetched, s.new, s.updated, s.unchanged, s.error, s.skipped)
        for s in report.sources
    }


def test_a_large_sync_in_two_processes_stores_what_one_process_stores(
    workspaces: Workspaces,
    backend: Backend,
    postgres_admin: Engine | None,
    serve: Serve,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    feeds = _feeds(serve, 16)
    monkeypatch.setenv(PROCESSES_ENV, "2")
    ws = _workspace(workspaces, feeds, tmp_path / "pids-2", monkeypatch)
    report, rows, by_table = record_rows_of(ws, ws.sync)

    # The work was done in two child processes, not in this one.
    pids = _ran_in(tmp_path / "pids-2")
    assert len(pids) == 2
    assert os.getpid() not in pids

    # 16 sources: 15 of 3 screenings (one with a bad item), one login page.
    summary = _summary(report)
    assert list(summary) == [f"feed-{n}" for n in range(16)]  # in the configured order
    assert summary["feed-0"] == ("ok", 3, 3, 0, 0, None, [])
    assert summary["feed-5"][:5] == ("ok", 4, 3, 0, 0)
    assert [s.item for s in summary["feed-5"][6]] == ["f5-bad"]
    assert summary["feed-7"][0] == "failed"
    assert "returned an HTML or XML page" in str(summary["feed-7"][5])
    assert report.totals()["new"] == 45
    assert ws.store.count("event") == 45
    # The children's writes are counted in this process's store.
    assert by_table["records"] == 45
    assert by_table["provenance"] == 45
    assert by_table["occurrences"] == 45
    assert rows == sum(
        by_table[t] for t in ("records", "record_terms", "occurrences", "provenance")
    )

    # The same sources synced by one process, in another workspace (and database), give
    # the same report, the same rows and the same counts of rows written.
    monkeypatch.setenv(PROCESSES_ENV, "1")
    with _backend(backend.name, postgres_admin) as other:
        single = Workspaces(tmp_path / "single", other)
        try:
            one = _workspace(single, feeds, tmp_path / "pids-1", monkeypatch)
            one_report, one_rows, one_by_table = record_rows_of(one, one.sync)
            assert _ran_in(tmp_path / "pids-1") == {os.getpid()}
            assert _summary(one_report) == summary
            assert (one_rows, one_by_table) == (rows, by_table)
            assert _content(one) == _content(ws)
        finally:
            single.close_all()


def _ran_in(folder: Path) -> set[int]:
    """The processes that enriched records (the folder is left as it is)."""
    return {int(path.name) for path in folder.iterdir()}


def _pids(folder: Path) -> set[int]:
    """The processes that enriched records since the last call (the folder is emptied)."""
    pids = _ran_in(folder)
    for path in folder.iterdir():
        path.unlink()
    return pids


def test_a_warm_resync_in_two_processes_writes_nothing(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROCESSES_ENV, "2")
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(2, prefix=f"a{n}")) for n in range(16)]
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    assert ws.sync().totals()["new"] == 32
    assert len(_pids(tmp_path / "pids") - {os.getpid()}) == 2
    before = _content(ws)

    # Every source stored an ETag: every answer is a 304, and nothing is written.
    report, rows, by_table = record_rows_of(ws, ws.sync)
    assert {s.status for s in report.sources} == {"not-modified"}
    assert (rows, by_table) == (0, {})
    # Each feed was asked with the ETag stored by the child process that fetched it first.
    assert all(f.requests[-1].get("If-None-Match") == f.current_etag() for f in feeds)

    # One feed changes: only its source writes (in a child process).
    feeds[3].items[0]["title"] = {"fr": "Projection reportée"}
    report, rows, by_table = record_rows_of(ws, ws.sync)
    assert by_source(report)["feed-3"].updated == 1
    assert report.totals()["updated"] == 1
    assert by_table["records"] == 1
    changed_by = _pids(tmp_path / "pids")
    assert len(changed_by) == 1
    assert os.getpid() not in changed_by
    assert _content(ws)["provenance"] == before["provenance"]


def test_a_resync_without_validators_runs_in_two_processes_and_writes_no_record(
    workspace: Workspace, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROCESSES_ENV, "2")
    feeds = [
        serve(f"/agenda-{n}.jsonl", many_events(2, prefix=f"a{n}"), etag=False) for n in range(16)
    ]
    for n, feed in enumerate(feeds):
        workspace.add_source(f"agenda-{n}", "jsonl", url=feed.url)
    assert workspace.sync().totals()["new"] == 32

    # The server sends the same bodies again (no validators): every item is parsed, in the
    # child processes, found unchanged, and only the sources' bookkeeping is written.
    report, rows, by_table = record_rows_of(workspace, workspace.sync)
    assert report.totals()["unchanged"] == 32
    assert rows == 0
    assert by_table == {"sources": 16, "sync_runs": 16}


def test_a_child_process_that_dies_has_its_sources_synced_by_the_parent(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(2, prefix=f"a{n}")) for n in range(16)]
    monkeypatch.setenv(PROCESSES_ENV, "2")
    monkeypatch.setenv("RRMA_TEST_DIE_ONCE", str(tmp_path / "died"))
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    report = ws.sync()

    assert (tmp_path / "died").exists()  # a child did die
    assert report.ok, [s.error for s in report.failed]
    assert ws.store.count("event") == 32
    # The sources the dead child had not committed were synced here, in this process.
    assert os.getpid() in _ran_in(tmp_path / "pids")
    # Whatever the dead child committed first is found unchanged, never doubled.
    totals = report.totals()
    assert totals["new"] + totals["unchanged"] == 32


def test_small_syncs_and_one_process_stay_in_this_process(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(1, prefix=f"a{n}")) for n in range(15)]
    monkeypatch.setenv(PROCESSES_ENV, "2")
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    assert ws.sync().totals()["new"] == 15  # 15 sources: fewer than 8 per process
    assert _ran_in(tmp_path / "pids") == {os.getpid()}

    monkeypatch.setenv(PROCESSES_ENV, "deux")
    with pytest.raises(ConfigError, match=r"RRMA_SYNC_PROCESSES='deux': give a number"):
        ws.sync()


def test_a_multi_threaded_program_syncs_in_its_own_process_unless_asked(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The local HTTP server of the test runs in a thread of this process: forking now could
    # copy a lock that thread holds, so a large sync stays here unless the setting asks.
    assert threading.active_count() > 1
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(1, prefix=f"a{n}")) for n in range(16)]
    monkeypatch.delenv(PROCESSES_ENV, raising=False)
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    assert ws.sync().totals()["new"] == 16
    assert _ran_in(tmp_path / "pids") == {os.getpid()}


def test_an_interrupted_sync_in_two_processes_stops_taking_sources(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(2, prefix=f"a{n}")) for n in range(32)]
    monkeypatch.setenv(PROCESSES_ENV, "2")
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    done: list[str] = []

    def progress(source: str, event: str, report: Any) -> None:
        if event == "done":
            done.append(source)
            if len(done) == 3:
                raise KeyboardInterrupt  # Ctrl-C while the children sync

    with pytest.raises(KeyboardInterrupt):
        ws.sync(progress=progress)
    # The children finished the sources they had taken, and took no other: every source
    # is either synced whole or untouched.
    synced = {s.name for s in ws.store.sources()}
    assert 3 <= len(synced) < 32
    assert ws.store.count("event") == 2 * len(synced)

    report = ws.sync()  # the next sync does the rest
    assert report.ok
    assert report.totals()["new"] == 2 * (32 - len(synced))
    assert ws.store.count("event") == 64


def test_children_that_cannot_start_leave_the_sync_to_this_process(
    sqlite_workspaces: Workspaces, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The children's task cannot even be sent to them (a function pickle cannot name): no
    # child ever reports, and this process must not wait for them for ever.
    feeds = [serve(f"/agenda-{n}.jsonl", many_events(2, prefix=f"a{n}")) for n in range(16)]
    monkeypatch.setenv(PROCESSES_ENV, "2")
    ws = _workspace(sqlite_workspaces, feeds, tmp_path / "pids", monkeypatch)
    monkeypatch.setattr(sync, "_sync_share", lambda index: None)
    report = ws.sync()
    assert report.ok, [s.error for s in report.failed]
    assert report.totals()["new"] == 32
    assert _ran_in(tmp_path / "pids") == {os.getpid()}
