"""Sync: counts over successive syncs, conditional requests, skipped items, withdrawals,
reports and hooks, against a real local HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from rrma_core import Workspace, hookimpl
from rrma_core.connectors import Connector, FetchContext
from rrma_core.models import CallForProjects, Event
from rrma_core.sync import SourceReport, SyncReport

from ._helpers import (
    Feed,
    by_source,
    call,
    event,
    jsonl,
    record_rows_of,
    source_row,
    use_connectors,
)

Serve = Callable[..., Feed]


def _agenda() -> list[dict[str, Any]]:
    return [
        event(
            "rdv-101",
            "Projection-débat « Nourrir »",
            commune="69123",
            themes=["agriculture"],
            campaign="alimenterre-2099",
        ),
        event(
            "rdv-102",
            "Conférence « L'eau, bien commun »",
            commune="38185",
            kind="conference",
            themes=["eau"],
            sdgs=[6],
        ),
        event(
            "rdv-103",
            "Atelier fresque du climat",
            commune="63113",
            kind="workshop",
            start="2099-12-03T14:00:00+01:00",
        ),
    ]


def _counts(report: SourceReport) -> dict[str, Any]:
    return {
        "status": report.status,
        "fetched": report.fetched,
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "withdrawn": report.withdrawn,
        "skipped": len(report.skipped),
    }


def _sync(ws: Workspace, *names: str) -> tuple[SyncReport, int]:
    report, rows, _ = record_rows_of(ws, lambda: ws.sync(list(names) or None))
    return report, rows


def test_successive_syncs_count_new_updated_unchanged_withdrawn(
    workspace: Workspace, serve: Serve
) -> None:
    items = _agenda()
    feed = serve("/agenda.jsonl", items, etag=False)
    workspace.add_source("agenda", "jsonl", url=feed.url)

    report, rows = _sync(workspace)
    assert _counts(report.sources[0]) == {
        "status": "ok",
        "fetched": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped": 0,
    }
    assert rows > 0
    first = {e.provenance[0].source_id: e for e in workspace.events()}
    assert set(first) == {"rdv-101", "rdv-102", "rdv-103"}

    # rdv-102 changes its title, rdv-103 disappears, rdv-104 appears.
    changed = event(
        "rdv-102",
        "Conférence « L'eau, bien commun » (complet)",
        commune="38185",
        kind="conference",
        themes=["eau"],
        sdgs=[6],
    )
    added = event("rdv-104", "Marché des solidarités", commune="01053", kind="marche-solidarites")
    feed.items = [items[0], changed, added]
    report, _ = _sync(workspace)
    assert _counts(report.sources[0]) == {
        "status": "ok",
        "fetched": 3,
        "new": 1,
        "updated": 1,
        "unchanged": 1,
        "withdrawn": 1,
        "skipped": 0,
    }
    gone = workspace.get(first["rdv-103"].id)
    assert gone.withdrawn  # kept, never deleted
    assert first["rdv-103"].id not in [e.id for e in workspace.events()]
    assert first["rdv-103"].id in [e.id for e in workspace.events(include_withdrawn=True)]
    renamed = workspace.get(first["rdv-102"].id)
    assert str(renamed.title) == "Conférence « L'eau, bien commun » (complet)"  # type: ignore[attr-defined]
    assert renamed.created_at == first["rdv-102"].created_at
    assert renamed.updated_at > first["rdv-102"].updated_at
    assert [(p.source, p.source_id) for p in renamed.provenance] == [("agenda", "rdv-102")]

    # The same body again: nothing to do, nothing written to the record tables.
    report, rows = _sync(workspace)
    assert _counts(report.sources[0]) == {
        "status": "ok",
        "fetched": 3,
        "new": 0,
        "updated": 0,
        "unchanged": 3,
        "withdrawn": 0,
        "skipped": 0,
    }
    assert rows == 0

    # rdv-103 comes back: the same record, no longer withdrawn.
    feed.items = [items[0], changed, added, items[2]]
    report, _ = _sync(workspace)
    assert (report.sources[0].new, report.sources[0].updated, report.sources[0].unchanged) == (
        0,
        1,
        3,
    )
    assert not workspace.get(first["rdv-103"].id).withdrawn
    assert len(workspace.events()) == 4


def test_not_modified_parses_and_writes_nothing(workspace: Workspace, serve: Serve) -> None:
    feed = serve("/agenda.jsonl", _agenda(), etag=True)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    assert workspace.sync().ok
    stored = source_row(workspace, "agenda")
    assert stored["validators"] == {feed.url: {"etag": feed.current_etag(), "last_modified": None}}

    parsed: list[str] = []

    class Spy:
        @hookimpl
        def rrma_enrich_record(self, record: Any, source: str) -> None:
            parsed.append(record.provenance[0].source_id if record.provenance else source)

    workspace.plugins.register(Spy(), "spy")
    report, rows = _sync(workspace)
    agenda = report.sources[0]
    assert agenda.status == "not-modified", agenda.to_dict()
    assert agenda.ok
    assert report.ok
    assert (agenda.fetched, agenda.new, agenda.updated, agenda.unchanged) == (0, 0, 0, 0)
    assert feed.requests[-1].get("If-None-Match") == feed.current_etag()
    assert parsed == []  # nothing parsed
    assert rows == 0  # nothing written to the record tables
    after = source_row(workspace, "agenda")
    assert after["validators"] == stored["validators"]
    assert after["last_error"] is None

    # Once the file changes, it is fetched and parsed again, and the new ETag stored.
    feed.items = [*_agenda(), event("rdv-104", "Marché des solidarités", commune="01053")]
    report = workspace.sync()
    assert (report.sources[0].status, report.sources[0].new, report.sources[0].unchanged) == (
        "ok",
        1,
        3,
    )
    assert len(parsed) == 4
    assert source_row(workspace, "agenda")["validators"][feed.url]["etag"] == feed.current_etag()


def test_unchanged_body_without_validators_writes_nothing(
    workspace: Workspace, serve: Serve
) -> None:
    feed = serve("/agenda.jsonl", _agenda(), etag=False)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    assert workspace.sync().sources[0].new == 3
    report, rows, per_table = record_rows_of(workspace, workspace.sync)
    assert _counts(report.sources[0]) == {
        "status": "ok",
        "fetched": 3,
        "new": 0,
        "updated": 0,
        "unchanged": 3,
        "withdrawn": 0,
        "skipped": 0,
    }
    assert "If-None-Match" not in feed.requests[-1]
    assert rows == 0
    assert set(per_table) <= {"sources", "sync_runs"}
    assert source_row(workspace, "agenda")["validators"] == {}


def test_bad_items_are_skipped_with_reasons_and_the_others_stored(
    workspace: Workspace, serve: Serve
) -> None:
    good = _agenda()
    bad_sdg = event("rdv-201", "Soirée ODD", sdgs=[18])
    no_date = event("rdv-202", "Date à venir", occurrences=[])
    bad_commune = event("rdv-203", "Lieu inconnu", commune="6912")
    body = (
        jsonl([good[0], bad_sdg, good[1], no_date, bad_commune])
        + "{pas du json\n"
        + jsonl([good[2]])
    )
    feed = serve("/agenda.jsonl", [], body=body)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    report = workspace.sync()
    agenda = report.sources[0]
    assert agenda.status == "ok"
    assert (agenda.fetched, agenda.new) == (6, 3)
    reasons = {s.item: s.reason for s in agenda.skipped}
    assert set(reasons) == {"rdv-201", "rdv-202", "rdv-203", "line 6"}
    assert "sdgs" in reasons["rdv-201"]
    assert "18" in reasons["rdv-201"]
    assert "occurrences" in reasons["rdv-202"]
    assert "commune" in reasons["rdv-203"]
    assert "not JSON" in reasons["line 6"]
    assert sorted(e.provenance[0].source_id for e in workspace.events()) == [
        "rdv-101",
        "rdv-102",
        "rdv-103",
    ]
    assert report.totals()["skipped"] == 4
    assert agenda.to_dict()["skipped"][0] == {"item": "rdv-201", "reason": reasons["rdv-201"]}


def test_an_unpaired_surrogate_skips_its_item_not_the_source(
    workspace: Workspace, serve: Serve
) -> None:
    # JSON may escape half of a surrogate pair ("\ud83c" without its partner): Python reads
    # it into a str that no UTF-8 text can hold. That item is skipped, naming the field.
    good = _agenda()
    body = (
        jsonl([good[0]]) + '{"id": "rdv-204", "title": "Fête \\ud83c", "occurrences": '
        '[{"start": "2026-12-05T18:00:00+01:00"}]}\n' + jsonl([good[1]])
    )
    feed = serve("/agenda.jsonl", [], body=body)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    agenda = workspace.sync().sources[0]
    assert agenda.status == "ok"
    assert (agenda.fetched, agenda.new) == (3, 2)
    [skipped] = agenda.skipped
    assert skipped.item == "rdv-204"
    assert skipped.reason.startswith("title.fr = ")
    assert "unpaired surrogate (U+D83C)" in skipped.reason
    assert sorted(e.provenance[0].source_id for e in workspace.events()) == ["rdv-101", "rdv-102"]


def test_the_same_item_twice_in_one_fetch_is_kept_once(workspace: Workspace, serve: Serve) -> None:
    first = event("rdv-101", "Projection-débat « Nourrir »")
    repeat = event("rdv-101", "Projection-débat « Nourrir » (doublon)")
    feed = serve("/agenda.jsonl", [first, repeat])
    workspace.add_source("agenda", "jsonl", url=feed.url)
    report = workspace.sync()
    assert (report.sources[0].new, len(report.sources[0].skipped)) == (1, 1)
    assert "duplicate" in report.sources[0].skipped[0].reason
    assert [str(e.title) for e in workspace.events()] == ["Projection-débat « Nourrir »"]


def test_items_missing_from_a_non_snapshot_source_are_not_withdrawn(
    workspace: Workspace, serve: Serve
) -> None:
    feed = serve("/actus.jsonl", _agenda())
    workspace.add_source("actus", "jsonl", url=feed.url, snapshot=False)
    workspace.sync()
    feed.items = feed.items[:1]
    report = workspace.sync()
    assert (report.sources[0].unchanged, report.sources[0].withdrawn) == (1, 0)
    assert len(workspace.events()) == 3


def test_a_record_another_source_still_delivers_is_not_withdrawn(
    workspace: Workspace, serve: Serve
) -> None:
    url = "https://www.afd.fr/fr/appels-a-projets/eau-2099"
    aap = call("aap-eau", "Appel à projets Eau et assainissement", url=url)
    region = serve("/region.jsonl", [aap], etag=False)
    relay = serve(
        "/relais.jsonl",
        [call("relais-7", "Appel à projets Eau et assainissement", url=url + "?utm_source=lettre")],
        etag=False,
    )
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("relais", "jsonl", url=relay.url, model="CallForProjects")
    workspace.sync(["region"])
    workspace.sync(["relais"])
    (merged,) = workspace.calls()
    # The region drops it; the relay still has it: it stays.
    region.items = [call("aap-ecsi", "Appel ECSI 2099")]
    report = workspace.sync(["region"])
    assert report.sources[0].withdrawn == 0
    assert not workspace.get(merged.id).withdrawn
    # The relay drops it too: now it is withdrawn.
    relay.items = [call("relais-8", "Appel Jeunesse solidaire")]
    report = workspace.sync(["relais"])
    assert report.sources[0].withdrawn == 1
    assert workspace.get(merged.id).withdrawn


def test_a_hand_withdrawal_survives_a_sync_of_the_unchanged_source(
    workspace: Workspace, serve: Serve
) -> None:
    feed = serve("/agenda.jsonl", _agenda(), etag=False)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.sync()
    spam = workspace.events()[0]
    workspace.withdraw(spam.id)
    report, rows = _sync(workspace)
    assert report.sources[0].unchanged == 3
    assert rows == 0
    assert workspace.get(spam.id).withdrawn


def test_report_per_source(workspace: Workspace, serve: Serve) -> None:
    agenda = serve("/agenda.jsonl", [*_agenda(), event("rdv-bad", "Sans date", occurrences=[])])
    calls = serve("/aap.jsonl", [call("aap-1", "Appel ECSI 2099")])
    missing = serve("/disparu.jsonl", [])
    missing.status = 404
    workspace.add_source("agenda", "jsonl", url=agenda.url)
    workspace.add_source("aap", "jsonl", url=calls.url, model="CallForProjects")
    workspace.add_source("disparu", "jsonl", url=missing.url)
    progress: list[tuple[str, str]] = []
    report = workspace.sync(progress=lambda source, what, _report: progress.append((source, what)))

    assert [s.source for s in report.sources] == ["agenda", "aap", "disparu"]
    sources = by_source(report)
    assert sources["agenda"].to_dict() == {
        "source": "agenda",
        "connector": "jsonl",
        "status": "ok",
        "fetched": 4,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped": [{"item": "rdv-bad", "reason": sources["agenda"].skipped[0].reason}],
        "warnings": [],
        "error": None,
    }
    assert _counts(sources["aap"])["new"] == 1
    assert sources["disparu"].status == "failed"
    assert "404" in sources["disparu"].error
    for source in report.sources:
        assert source.finished_at is not None
        assert source.started_at <= source.finished_at
    assert not report.ok
    assert report.failed == [sources["disparu"]]
    assert report.totals() == {
        "fetched": 5,
        "new": 4,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped": 1,
        "failed": 1,
    }
    assert report.to_dict()["ok"] is False
    for name in ("agenda", "aap", "disparu"):
        assert [what for source, what in progress if source == name] == ["start", "fetched", "done"]
    runs = {run["source"]: run for run in workspace.store.runs()}
    assert (runs["agenda"]["status"], runs["agenda"]["new"], runs["agenda"]["skipped"]) == (
        "ok",
        3,
        1,
    )
    assert runs["disparu"]["status"] == "failed"
    assert "404" in runs["disparu"]["error"]


def test_sync_finished_hook_receives_the_report(workspace: Workspace, serve: Serve) -> None:
    feed = serve("/agenda.jsonl", _agenda())
    workspace.add_source("agenda", "jsonl", url=feed.url)
    seen: list[tuple[Workspace, SyncReport]] = []

    class Notifier:
        @hookimpl
        def rrma_sync_finished(self, workspace: Workspace, report: SyncReport) -> None:
            seen.append((workspace, report))

    workspace.plugins.register(Notifier(), "notifier")
    report = workspace.sync()
    assert seen == [(workspace, report)]
    # Also called when a source fails.
    workspace.add_source("vide", "jsonl", url=serve("/vide.jsonl", [], body="").url)
    report = workspace.sync(["vide"])
    assert seen[-1] == (workspace, report)
    assert not seen[-1][1].ok


def test_only_the_named_sources_are_synced(workspace: Workspace, serve: Serve) -> None:
    agenda = serve("/agenda.jsonl", _agenda())
    calls = serve("/aap.jsonl", [call("aap-1", "Appel ECSI 2099")])
    workspace.add_source("agenda", "jsonl", url=agenda.url)
    workspace.add_source("aap", "jsonl", url=calls.url, model="CallForProjects")
    report = workspace.sync(["aap"])
    assert [s.source for s in report.sources] == ["aap"]
    assert agenda.requests == []
    assert workspace.events() == []
    assert len(workspace.calls()) == 1


class _Rendezvous(Connector):
    """Meets another source's fetch at a barrier: proves two fetches run at once."""

    name: ClassVar[str] = "rendezvous"
    record_type: ClassVar[type[Event]] = Event
    barrier: ClassVar[threading.Barrier]
    threads: ClassVar[set[str]]

    def fetch(self, ctx: FetchContext) -> Iterator[dict[str, Any]]:
        type(self).threads.add(threading.current_thread().name)
        type(self).barrier.wait()
        yield event(f"{ctx.source}-1", f"Rencontre {ctx.source}")


def test_sources_are_fetched_concurrently_in_a_bounded_pool(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    _Rendezvous.barrier = threading.Barrier(2, timeout=30)  # a wait for an event, not timing
    _Rendezvous.threads = set()
    use_connectors(ws, _Rendezvous)
    ws.config.workspace.concurrency = 2
    for n in range(4):
        ws.add_source(f"reseau-{n}", "rendezvous")
    report = ws.sync()
    assert report.ok, report.to_dict()
    assert len(ws.events()) == 4
    # Two fetches met at the barrier (so they ran at once), and never more than two threads.
    assert len(_Rendezvous.threads) == 2


def test_sync_stores_calls_with_a_model_option(workspace: Workspace, serve: Serve) -> None:
    feed = serve(
        "/aap.jsonl",
        [
            call("aap-1", "Appel ECSI 2099", themes=["ecsi"], countries=["SN"]),
            call("aap-2", "Appel Eau 2099", deadline="2099-06-30", themes=["eau"]),
        ],
    )
    workspace.add_source("aap", "jsonl", url=feed.url, model="CallForProjects")
    assert workspace.sync().sources[0].new == 2
    assert all(isinstance(c, CallForProjects) for c in workspace.calls())
    assert [str(c.title) for c in workspace.calls(theme="ecsi", country="SN")] == [
        "Appel ECSI 2099"
    ]
