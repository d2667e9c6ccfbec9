"""The ``ics`` connector through the engine: identity, change detection, withdrawal, the
conditional GET, organisers found in the directory, a local file, ``rrma sync`` and
PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest

from rrma_core import Actor, Workspace
from rrma_core.cli import main
from rrma_core.testing import sync_source
from rrma_ics import IcsConnector

from .conftest import SAMPLES, Serve

MOBILIZON = (SAMPLES / "mobilizon-feed.ics").read_bytes().decode("utf-8")


def _regenerated(text: str) -> str:
    """The feed as a web calendar serves it on the next download: new UIDs and DTSTAMPs."""
    new: dict[str, str] = {}
    text = re.sub(
        r"(?m)^UID:([^\r\n]*)",
        lambda m: f"UID:{new.setdefault(m.group(1), str(uuid.uuid4()))}",
        text,
    )
    return re.sub(r"(?m)^DTSTAMP:[^\r\n]*", "DTSTAMP:20261128T061500Z", text)


def _without_event(text: str, uid: str) -> str:
    blocks = re.findall(r"BEGIN:VEVENT.*?END:VEVENT\r\n", text, flags=re.DOTALL)
    (block,) = [b for b in blocks if uid in b]
    return text.replace(block, "")


def test_sync_stores_events_and_resync_changes_nothing(serve: Serve, tmp_path: Path) -> None:
    url = serve(SAMPLES / "demo.ics", at="/agenda/ical/")
    report, ws = sync_source(tmp_path / "ws", IcsConnector, url=url)
    with ws:
        assert report.ok, report.to_dict()
        (source,) = report.sources
        assert (source.fetched, source.new, source.skipped) == (7, 7, [])
        assert len(ws.events(theme="ecsi")) == 2
        assert len(ws.events(start=date(2027, 3, 1), end=date(2027, 3, 31))) == 3
        upcoming = ws.events(upcoming=True)
        assert "Cycle de formation « Monter un projet d'ECSI »" in [str(e.title) for e in upcoming]

        again = ws.sync()
        assert again.ok
        assert (again.sources[0].new, again.sources[0].unchanged) == (0, 7)


def test_regenerated_uids_and_dtstamps_are_not_changes(serve: Serve, tmp_path: Path) -> None:
    """Identity is the event's content by default: a calendar making up new UIDs and
    DTSTAMPs on every download changes nothing."""
    url = serve(MOBILIZON)
    _report, ws = sync_source(tmp_path / "ws", IcsConnector, url=url)
    with ws:
        ids = sorted(e.id for e in ws.events())
        serve(_regenerated(MOBILIZON))
        again = ws.sync()
        (source,) = again.sources
        assert (source.new, source.updated, source.unchanged, source.withdrawn) == (0, 0, 3, 0)
        assert sorted(e.id for e in ws.events()) == ids


def test_removed_and_edited_events_by_content_identity(serve: Serve, tmp_path: Path) -> None:
    url = serve(MOBILIZON)
    _, ws = sync_source(tmp_path / "ws", IcsConnector, url=url)
    with ws:
        edited = _without_event(MOBILIZON, "3f5b6c7d").replace(
            "DTSTART;TZID=Europe/Paris:20261210T190000",
            "DTSTART;TZID=Europe/Paris:20261210T200000",
        )
        serve(edited)
        report = ws.sync()
        assert report.ok, report.to_dict()
        (source,) = report.sources
        # The removed school session is withdrawn; the edited conference is a new record
        # (its content is its identity) and its old version is withdrawn.
        assert (source.new, source.unchanged, source.withdrawn) == (1, 1, 2)
        titles = sorted(str(e.title) for e in ws.events())
        assert len(titles) == 2
        assert "Séance scolaire ALIMENTERRE au collège Jean Moulin" not in titles
        withdrawn = [e for e in ws.events(include_withdrawn=True) if e.withdrawn]
        assert len(withdrawn) == 2


def test_trusted_uids_make_edits_updates(serve: Serve, tmp_path: Path) -> None:
    url = serve(MOBILIZON)
    report, ws = sync_source(tmp_path / "ws", IcsConnector, url=url, trust_ids=True)
    with ws:
        assert report.ok, report.to_dict()
        conference = next(e for e in ws.events() if "paroles de paysannes" in str(e.title))
        assert conference.provenance[0].source_id == "7a41d2b8-93c0-4f3e-8d5e-6b0e1c2f9a77"
        serve(MOBILIZON.replace("T190000", "T200000"))
        (source,) = ws.sync().sources
        assert (source.new, source.updated, source.unchanged, source.withdrawn) == (0, 1, 2, 0)
        moved = ws.get(conference.id)
        assert isinstance(moved, type(conference))
        assert moved.occurrences[0].start.isoformat() == "2026-12-10T20:00:00+01:00"


def test_a_not_modified_calendar_is_not_read_again(serve: Serve, tmp_path: Path) -> None:
    url = serve(MOBILIZON, ETag='"mobilizon-v1"')
    _, ws = sync_source(tmp_path / "ws", IcsConnector, url=url)
    with ws:
        (source,) = ws.sync().sources
        assert source.status == "not-modified"
        assert len(ws.events()) == 3


def test_organisers_found_in_the_directory_are_linked(serve: Serve, tmp_path: Path) -> None:
    url = serve(MOBILIZON)
    with Workspace.init(tmp_path / "ws", name="Réseau Test", region="84") as ws:
        collective = ws.add(Actor(name="Collectif ALIMENTERRE Lyon", actor_type="association"))
        ws.add_source("mobilizon", "ics", url=url)
        assert ws.sync().ok
        for event in ws.events():
            assert [(o.id, o.name) for o in event.organisers] == [
                (collective.id, "Collectif ALIMENTERRE Lyon")
            ]
        assert len(ws.events(organiser=collective.id)) == 3


def test_a_local_file_relative_to_the_workspace(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with Workspace.init(root, name="Réseau Test", region="84") as ws:
        shutil.copy(SAMPLES / "openagenda-events.v2.ics", root / "festisol.ics")
        ws.add_source("festisol", "ics", path="festisol.ics", campaign_edition="festisol-2026")
        report = ws.sync()
        assert report.ok, report.to_dict()
        assert len(ws.events(campaign="festisol-2026")) == 5
        (root / "festisol.ics").unlink()
        missing = ws.sync()
        assert not missing.ok
        assert "cannot read the calendar file" in (missing.sources[0].error or "")
        assert len(ws.events()) == 5


def test_rrma_sync_on_the_command_line(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(SAMPLES / "openagenda-events.v2.ics", at="/agendas/48213377/events.v2.ics")
    root = tmp_path / "ws"

    def rrma(*args: str) -> str:
        capsys.readouterr()
        code: object = 0
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code or 0
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out

    rrma("init", str(root), "--name", "Festisol AURA", "--region", "84")
    rrma("-w", str(root), "sources", "add", "festisol", "ics", "-o", f"url={url}",
         "-o", "campaign_edition=festisol-2026", "-o", "window_future_days=180")  # fmt: skip
    report = json.loads(rrma("-w", str(root), "sync", "--json"))
    assert report["ok"] is True
    assert report["sources"][0]["new"] == 5
    listed = json.loads(rrma("-w", str(root), "events", "--campaign", "festisol-2026",
                             "--format", "json"))  # fmt: skip
    assert len(listed) == 5
    assert "Exposition « Migrations, regards croisés »" in json.dumps(listed, ensure_ascii=False)


@pytest.mark.postgres
def test_sync_on_postgresql(serve: Serve, tmp_path: Path, postgres_url: str) -> None:
    url = serve(SAMPLES / "demo.ics")
    root = tmp_path / "ws"
    Workspace.init(root, name="Réseau Test", region="84").close()
    with Workspace.open(root, database=postgres_url) as ws:
        ws.add_source("agenda", "ics", url=url)
        report = ws.sync()
        assert report.ok, report.to_dict()
        assert report.sources[0].new == 7
        assert len(ws.events(theme="ecsi")) == 2
        serve(_regenerated((SAMPLES / "demo.ics").read_bytes().decode("utf-8")))
        (source,) = ws.sync().sources
        assert (source.new, source.unchanged, source.withdrawn) == (0, 7, 0)
