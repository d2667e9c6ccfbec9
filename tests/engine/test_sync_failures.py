"""A source that fails leaves its stored data as it was, and the others carry on.

HTTP errors, an HTML page or an error object where JSON Lines were expected, an empty body,
a download cut short, an exception in the middle of the write: each time the source is
reported failed with a clear reason; its records, state, validators and ``since`` mark stay
exactly as before; nothing is withdrawn; the next sync recovers.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, ClassVar

import pytest
from sqlalchemy.exc import OperationalError

from rrma_core import Workspace, hookimpl
from rrma_core.connectors import Connector, FetchContext
from rrma_core.errors import RrmaError
from rrma_core.models import CallForProjects
from rrma_core.models._base import utcnow
from rrma_core.sync import _Runner

from ._helpers import (
    Feed,
    TruncatingServer,
    by_source,
    call,
    dump_records,
    event,
    instant_retries,
    jsonl,
    source_row,
    use_connectors,
)

Serve = Callable[..., Feed]


def _agenda() -> list[dict[str, Any]]:
    return [
        event("rdv-101", "Projection-débat « Nourrir »", commune="69123", themes=["agriculture"]),
        event("rdv-102", "Conférence « L'eau, bien commun »", commune="38185", themes=["eau"]),
        event("rdv-103", "Atelier fresque du climat", commune="63113", kind="workshop"),
    ]


def _changed_agenda() -> list[dict[str, Any]]:
    items = _agenda()
    items[1] = event(
        "rdv-102", "Conférence « L'eau, bien commun » (reportée)", commune="38185", themes=["eau"]
    )
    return items


@pytest.fixture
def truncating() -> Iterator[Callable[[bytes], TruncatingServer]]:
    servers: list[TruncatingServer] = []

    def start(body: bytes) -> TruncatingServer:
        server = TruncatingServer(body)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


FAILURES = {
    "404": "404",
    "500-after-retries": r"500 Internal Server Error after 4 attempts",
    "html-page": r"HTML or XML page, not JSON Lines",
    "empty-body": r"no items at all",
    "json-error-object": r"all 1 items were invalid",
    "truncated-download": r"cut short|broke",
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_source_keeps_its_data_and_the_others_sync(
    workspace: Workspace,
    serve: Serve,
    truncating: Callable[[bytes], TruncatingServer],
    failure: str,
) -> None:
    aap = serve("/aap.jsonl", [call("aap-1", "Appel ECSI 2099")], etag=False)
    workspace.add_source("aap", "jsonl", url=aap.url, model="CallForProjects")
    feed: Feed | None = None
    cutter: TruncatingServer | None = None
    if failure == "truncated-download":
        cutter = truncating(jsonl(_agenda()).encode())
        cutter.cut = False
        workspace.add_source("agenda", "jsonl", url=cutter.url)
    else:
        feed = serve("/agenda.jsonl", _agenda(), etag=True)
        workspace.add_source("agenda", "jsonl", url=feed.url)
    assert workspace.sync().ok

    records_before = dump_records(workspace, "agenda")
    state_before = source_row(workspace, "agenda")

    # The agenda breaks; the calls source gets a new call in the meantime.
    aap.items.append(call("aap-2", "Appel Eau et assainissement 2099", themes=["eau"]))
    if failure in ("500-after-retries", "truncated-download"):
        instant_retries(workspace)  # retried with real back-off otherwise
    requests_before = len(feed.requests) if feed else 0
    if feed is not None:
        if failure == "404":
            feed.status = 404
        elif failure == "500-after-retries":
            feed.status = 500
        elif failure == "html-page":
            feed.body = (
                '\ufeff\n  <!DOCTYPE html>\n<html lang="fr"><head><title>Connexion</title>'
                "</head><body><form>Identifiant…</form></body></html>"
            )
            feed.content_type = "text/html; charset=utf-8"
        elif failure == "empty-body":
            feed.body = ""
        elif failure == "json-error-object":
            feed.body = '{"error": "quota dépassé", "code": 429}\n'
    else:
        assert cutter is not None
        cutter.cut = True

    report = workspace.sync()
    sources = by_source(report)
    agenda = sources["agenda"]
    assert agenda.status == "failed"
    assert not agenda.ok
    assert not report.ok
    assert agenda.error is not None
    assert agenda.withdrawn == 0
    assert re.search(FAILURES[failure], agenda.error), agenda.error
    # The other source synced.
    assert (sources["aap"].status, sources["aap"].new) == ("ok", 1)
    assert len(workspace.calls()) == 2
    # The failed source's records, state, validators and since mark are exactly as before.
    assert dump_records(workspace, "agenda") == records_before
    state_after = source_row(workspace, "agenda")
    for key in ("state", "validators", "since", "last_success_at"):
        assert state_after[key] == state_before[key], key
    assert state_after["last_status"] == "failed"
    assert state_after["last_error"] == agenda.error
    assert len(workspace.events()) == 3  # nothing withdrawn
    if failure == "500-after-retries":
        assert feed is not None
        assert len(feed.requests) - requests_before == 4
    if failure == "truncated-download":
        assert cutter is not None
        assert cutter.connections == 1 + 4

    # Repaired, the source syncs again from where it was.
    if feed is not None:
        feed.status, feed.body, feed.content_type = 200, None, "application/x-ndjson"
        feed.items = _changed_agenda()
    else:
        assert cutter is not None
        cutter.cut = False
        cutter.body = jsonl(_changed_agenda()).encode()
    report = workspace.sync(["agenda"])
    assert (report.sources[0].status, report.sources[0].updated, report.sources[0].unchanged) == (
        "ok",
        1,
        2,
    )
    assert source_row(workspace, "agenda")["last_error"] is None


def test_a_file_cut_inside_a_line_fails_without_withdrawing(
    workspace: Workspace, serve: Serve
) -> None:
    items = [event(f"rdv-{n}", f"Soirée ciné-débat n°{n}") for n in range(1, 7)]
    feed = serve("/agenda.jsonl", items)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.sync()
    before = dump_records(workspace, "agenda")
    full = jsonl(items)
    feed.body = full[: full.index("n°4")]  # the server sent a complete, but cut, file
    report = workspace.sync()
    assert report.sources[0].status == "failed"
    assert report.sources[0].withdrawn == 0
    assert dump_records(workspace, "agenda") == before
    assert len(workspace.events()) == 6


# --- an exception in the middle of the write ---------------------------------------------------


class _Boom:
    """Raises on the ``fail_on``-th new item of source ``source`` (inside the write)."""

    def __init__(self, source: str, fail_on: int) -> None:
        self.source = source
        self.fail_on = fail_on
        self.calls = 0

    @hookimpl
    def rrma_match_record(self, record: Any, candidates: Any) -> None:
        if record.provenance and record.provenance[0].source == self.source:
            self.calls += 1
            if self.calls == self.fail_on:
                raise RuntimeError("panne simulée du rapprochement")


def _prepare_changes(ws: Workspace, serve: Serve) -> None:
    """Sync an agenda and a calls source, then change both feeds."""
    agenda = serve("/agenda.jsonl", _agenda(), etag=True)
    aap = serve("/aap.jsonl", [call("aap-1", "Appel ECSI 2099")], etag=False)
    ws.add_source("agenda", "jsonl", url=agenda.url)
    ws.add_source("aap", "jsonl", url=aap.url, model="CallForProjects")
    assert ws.sync().ok
    # rdv-101 unchanged, rdv-102 changed, rdv-103 gone, four new screenings.
    agenda.items = _changed_agenda()[:2] + [
        event(f"rdv-2{n}", f"Projection ALIMENTERRE n°{n}", commune="01053") for n in range(4)
    ]
    aap.items.append(call("aap-2", "Appel Jeunesse solidaire 2099"))


def _sync_with_boom(ws: Workspace) -> Any:
    """Sync with a plugin that raises in the middle of the agenda's write."""
    boom = _Boom("agenda", fail_on=2)
    ws.plugins.register(boom, "boom")
    report = ws.sync()
    assert boom.calls == 2  # it did fail in the middle: one new item written before
    return report


def test_an_exception_mid_write_leaves_the_source_as_before(
    workspace: Workspace, serve: Serve, reopen: Callable[[], Workspace]
) -> None:
    _prepare_changes(workspace, serve)
    records_before = dump_records(workspace, "agenda")
    state_before = source_row(workspace, "agenda")

    report = _sync_with_boom(workspace)
    sources = by_source(report)
    assert sources["agenda"].status == "failed"
    assert sources["agenda"].error == "RuntimeError: panne simulée du rapprochement"
    assert (sources["aap"].status, sources["aap"].new) == ("ok", 1)

    assert dump_records(workspace, "agenda") == records_before
    state_after = source_row(workspace, "agenda")
    for key in ("state", "validators", "since", "last_success_at"):
        assert state_after[key] == state_before[key], key
    assert state_after["last_error"] == sources["agenda"].error
    assert sorted(str(e.title) for e in workspace.events()) == [
        "Atelier fresque du climat",
        "Conférence « L'eau, bien commun »",
        "Projection-débat « Nourrir »",
    ]

    # The next run, without the faulty plugin, recovers everything.
    fresh = reopen()
    report = fresh.sync()
    sources = by_source(report)
    assert report.ok, report.to_dict()
    agenda = sources["agenda"]
    assert (agenda.new, agenda.updated, agenda.unchanged, agenda.withdrawn) == (4, 1, 1, 1)
    assert sources["aap"].unchanged == 2
    assert len(fresh.events()) == 6


def test_sources_written_together_fail_alone(workspace: Workspace, serve: Serve) -> None:
    # Sources fetched by the time the writer comes free are written in one transaction,
    # each in a savepoint: the one that fails rolls back alone, the others commit.
    _prepare_changes(workspace, serve)
    records_before = dump_records(workspace, "agenda")
    boom = _Boom("agenda", fail_on=2)
    workspace.plugins.register(boom, "boom")
    runner = _Runner(workspace, None)
    runner.states = {state.name: state for state in workspace.store.sources()}
    configs = {c.name: c for c in workspace.config.sources}
    batch = [(configs[name], runner.fetch(configs[name])) for name in ("agenda", "aap")]
    runner.write(batch)

    agenda, aap = (outcome.report for _, outcome in batch)
    assert agenda.status == "failed"
    assert agenda.error == "RuntimeError: panne simulée du rapprochement"
    assert (agenda.new, agenda.updated, agenda.withdrawn) == (0, 0, 0)
    assert (aap.status, aap.new, aap.unchanged) == ("ok", 1, 1)
    assert dump_records(workspace, "agenda") == records_before
    assert source_row(workspace, "agenda")["last_error"] == agenda.error
    assert len(workspace.calls()) == 2  # the second source's new call was committed
    statuses = {r["source"]: r["status"] for r in workspace.store.runs(limit=2)}
    assert statuses == {"agenda": "failed", "aap": "ok"}


def test_a_transaction_the_database_rolls_back_fails_the_whole_batch(
    sqlite_workspace: Workspace, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On some errors (disk full, I/O error) SQLite rolls back the whole transaction by
    # itself: the sources written before in the batch are lost too, so none may say "ok".
    workspace = sqlite_workspace
    _prepare_changes(workspace, serve)
    before = {name: dump_records(workspace, name) for name in ("agenda", "aap")}
    store = workspace.store
    link_many = store.link_many

    def disk_full(conn: Any, source: str, *args: Any) -> None:
        if source == "aap":
            conn.connection.dbapi_connection.execute("ROLLBACK")  # what SQLite does
            raise OperationalError("INSERT ...", {}, sqlite3.OperationalError("disk is full"))
        link_many(conn, source, *args)

    monkeypatch.setattr(store, "link_many", disk_full)
    runner = _Runner(workspace, None)
    runner.states = {state.name: state for state in store.sources()}
    configs = {c.name: c for c in workspace.config.sources}
    batch = [(configs[name], runner.fetch(configs[name])) for name in ("agenda", "aap")]
    runner.write(batch)

    for _, outcome in batch:
        report = outcome.report
        assert report.status == "failed"
        assert report.error == (
            "database error: the database rolled the transaction back (disk is full)"
        )
        assert (report.new, report.updated, report.withdrawn) == (0, 0, 0)
    assert {name: dump_records(workspace, name) for name in ("agenda", "aap")} == before
    assert {r["source"]: r["status"] for r in store.runs(limit=2)} == {
        "agenda": "failed",
        "aap": "failed",
    }


def test_a_failed_write_reports_no_new_or_updated_items(workspace: Workspace, serve: Serve) -> None:
    _prepare_changes(workspace, serve)
    report = _sync_with_boom(workspace)
    agenda = by_source(report)["agenda"]
    assert agenda.status == "failed"
    assert (agenda.new, agenda.updated, agenda.unchanged, agenda.withdrawn) == (0, 0, 0, 0)
    (run,) = [r for r in workspace.store.runs("agenda") if r["status"] == "failed"]
    assert (run["new"], run["updated"]) == (0, 0)


# --- state and since ---------------------------------------------------------------------------


class _ApiCalls(Connector):
    """An API of calls for projects read page by page, with a cursor kept in ``ctx.state``."""

    name: ClassVar[str] = "api-appels"
    record_type: ClassVar[type[CallForProjects]] = CallForProjects
    pages: ClassVar[dict[int, list[dict[str, Any]]]] = {}
    fail: ClassVar[Exception | None] = None
    bad_state: ClassVar[bool] = False
    seen: ClassVar[list[dict[str, Any]]] = []

    def fetch(self, ctx: FetchContext) -> Iterator[dict[str, Any]]:
        cls = type(self)
        cls.seen.append({"since": ctx.since, "state": dict(ctx.state)})
        cursor = ctx.state.get("cursor", 0)
        yield from cls.pages.get(cursor, [])
        ctx.state["cursor"] = cursor + 1
        ctx.state["seen_ids"] = [item["id"] for item in cls.pages.get(cursor, [])]
        if cls.bad_state:
            ctx.state["checked_at"] = utcnow()  # not JSON
        if cls.fail is not None:
            raise cls.fail


@pytest.fixture
def api(workspace: Workspace) -> type[_ApiCalls]:
    _ApiCalls.pages = {
        0: [call("api-1", "Appel à projets Eau 2099"), call("api-2", "Appel ECSI 2099")],
        1: [call("api-3", "Appel Jeunesse solidaire 2099", deadline="2099-09-30")],
        2: [call("api-4", "Appel Santé mondiale 2099", deadline="2099-10-31")],
    }
    _ApiCalls.fail = None
    _ApiCalls.bad_state = False
    _ApiCalls.seen = []
    use_connectors(workspace, _ApiCalls)
    workspace.add_source("api", "api-appels")
    return _ApiCalls


def test_since_and_state_are_saved_only_on_success(
    workspace: Workspace, api: type[_ApiCalls]
) -> None:
    t0 = utcnow()
    report = workspace.sync()
    t1 = utcnow()
    assert report.sources[0].new == 2
    first = source_row(workspace, "api")
    assert first["state"] == {"cursor": 1, "seen_ids": ["api-1", "api-2"]}
    assert first["since"] is not None
    assert t0 <= first["since"] <= t1
    assert api.seen[0] == {"since": None, "state": {}}

    # The API fails after the connector moved its cursor: nothing of that run is kept.
    api.fail = RrmaError("l'API a répondu 429 « quota dépassé »")
    report = workspace.sync()
    assert report.sources[0].status == "failed"
    assert "quota dépassé" in (report.sources[0].error or "")
    assert api.seen[1] == {"since": first["since"], "state": first["state"]}
    failed = source_row(workspace, "api")
    assert (failed["state"], failed["since"], failed["last_success_at"]) == (
        first["state"],
        first["since"],
        first["last_success_at"],
    )
    assert len(workspace.calls()) == 2  # api-3 was not stored

    # The next successful run starts again from the last successful one.
    api.fail = None
    t2 = utcnow()
    report = workspace.sync()
    assert (report.sources[0].status, report.sources[0].new) == ("ok", 1)
    assert api.seen[2] == {"since": first["since"], "state": first["state"]}
    last = source_row(workspace, "api")
    assert last["state"] == {"cursor": 2, "seen_ids": ["api-3"]}
    assert t2 <= last["since"] <= utcnow()
    assert isinstance(last["since"], datetime)
    assert last["since"].utcoffset() is not None


def test_a_connector_bug_fails_only_its_source(workspace: Workspace, api: type[_ApiCalls]) -> None:
    workspace.sync()
    before = dump_records(workspace, "api")
    api.fail = KeyError("date_limite")
    report = workspace.sync()
    assert report.sources[0].status == "failed"
    assert report.sources[0].error == "KeyError: 'date_limite'"
    assert dump_records(workspace, "api") == before
    assert source_row(workspace, "api")["state"] == {"cursor": 1, "seen_ids": ["api-1", "api-2"]}


def test_a_state_that_is_not_json_fails_the_source(
    workspace: Workspace, api: type[_ApiCalls]
) -> None:
    api.bad_state = True
    report = workspace.sync()
    assert report.sources[0].status == "failed"
    assert "JSON" in (report.sources[0].error or "")
    assert workspace.calls() == []
    assert source_row(workspace, "api")["state"] == {}
