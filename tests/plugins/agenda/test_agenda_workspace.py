"""The ``ics`` exporter on a synced workspace, through ``ws.export`` and ``rrma export``."""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.models import Event

from .conftest import by_uid, read_icalendar, read_vobject, unescaped, vobject_by_uid

DOMAIN = "reseau-de-demonstration.rrma.invalid"


def api_export(ws: Workspace, **kwargs: object) -> bytes:
    out = io.BytesIO()
    ws.export("ics", out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def cli_export(ws_dir: Path, path: Path, *args: str) -> bytes:
    main(["-w", str(ws_dir), "export", "ics", "-o", str(path), *args])
    return path.read_bytes()


def test_every_occurrence_of_every_event_is_a_vevent(demo_ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "agenda.ics"
    count = demo_ws.export("ics", path)
    events = demo_ws.events()
    assert count == len(events) > 20
    found = by_uid(path.read_bytes())
    expected = {
        f"{event.id}-{n}@{DOMAIN}" for event in events for n in range(1, len(event.occurrences) + 1)
    }
    assert set(found) == expected
    # Calls for projects, actors and resources are not events: none is written.
    assert len(found) == sum(len(e.occurrences) for e in events)


def test_the_times_are_the_records_instants_in_the_venues_zone(demo_ws: Workspace) -> None:
    data = api_export(demo_ws)
    found = by_uid(data)
    other = vobject_by_uid(data)
    for event in demo_ws.events():
        occurrences = sorted(event.occurrences, key=lambda o: o.sort_key)
        for n, occurrence in enumerate(occurrences, start=1):
            uid = f"{event.id}-{n}@{DOMAIN}"
            start = found[uid].decoded("DTSTART")
            assert start == occurrence.start, uid
            assert other[uid].dtstart.value == occurrence.start, uid
            if isinstance(occurrence.start, datetime):
                assert str(start.tzinfo) == "Europe/Paris"  # Auvergne-Rhône-Alpes' zone


def test_the_calendar_is_named_after_the_workspace_with_its_zone(demo_ws: Workspace) -> None:
    data = api_export(demo_ws)
    calendar = read_icalendar(data)
    assert unescaped(calendar["X-WR-CALNAME"]) == "Réseau de démonstration"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert read_vobject(data).vtimezone.tzid.value == "Europe/Paris"


def test_the_cli_writes_the_same_calendar_with_its_options(
    demo_ws: Workspace, demo_dir: Path, tmp_path: Path
) -> None:
    data = cli_export(
        demo_dir, tmp_path / "agenda.ics", "-O", "name=Agenda RESACOOP", "-O", "domain=resacoop.org"
    )
    calendar = read_icalendar(data)
    assert unescaped(calendar["X-WR-CALNAME"]) == "Agenda RESACOOP"
    uids = list(by_uid(data))
    assert uids
    assert all(uid.endswith("@resacoop.org") for uid in uids)
    api = api_export(demo_ws, name="Agenda RESACOOP", domain="resacoop.org")
    assert data == api  # same records, same options: same bytes


def test_the_cli_writes_english_when_asked(demo_dir: Path, tmp_path: Path) -> None:
    data = cli_export(demo_dir, tmp_path / "agenda-en.ics", "--lang", "en")
    event = by_uid(data)[f"alimenterre-2026-lyon-01-1@{DOMAIN}"]
    assert str(event["SUMMARY"]) == "Screening and debate: “Seeds of Resistance”"
    assert "Organised by: Terre et Partage Rhône, RESACOOP" in str(event["DESCRIPTION"])
    assert "Rural development" in [str(c) for c in event["CATEGORIES"].cats]


def test_a_bad_option_is_refused_naming_the_key(demo_ws: Workspace, demo_dir: Path) -> None:
    with pytest.raises(ConfigError, match="domain"):
        demo_ws.export("ics", io.BytesIO(), domain="not a domain")
    with pytest.raises(ConfigError, match="colour: unknown key"):
        demo_ws.export("ics", io.BytesIO(), colour="red")
    with pytest.raises(SystemExit) as exit_:
        main(["-w", str(demo_dir), "export", "ics", "-O", "refresh_hours=0"])
    assert exit_.value.code == 2


def test_two_exports_give_the_same_bytes(demo_ws: Workspace) -> None:
    first = api_export(demo_ws)
    second = api_export(demo_ws, records=list(reversed(demo_ws.events())))
    assert first == second


def test_uids_and_bytes_survive_a_resync(demo_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo_dir, copy)
    before = cli_export(copy, tmp_path / "before.ics")
    main(["demo", str(copy)])  # the same sources, synced again
    after = cli_export(copy, tmp_path / "after.ics")
    assert list(by_uid(after)) == list(by_uid(before))
    assert after == before  # nothing changed at the sources: nothing changes in the file


def test_a_cancelled_event_is_cancelled_and_a_postponed_one_tentative(
    demo_ws: Workspace,
) -> None:
    data = api_export(demo_ws)
    found, other = by_uid(data), vobject_by_uid(data)
    statuses = {e.id: e.status.value for e in demo_ws.events()}
    assert "cancelled" in statuses.values()
    assert "postponed" in statuses.values()
    for event_id, status in statuses.items():
        uid = f"{event_id}-1@{DOMAIN}"
        expected = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}.get(status, "CONFIRMED")
        assert str(found[uid]["STATUS"]) == expected
        assert other[uid].status.value == expected
    cancelled = found[f"resacoop-2027-conference-annecy-1@{DOMAIN}"]
    assert "Statut\u00a0: Annulé" in str(cancelled["DESCRIPTION"])


def test_an_all_day_event_is_written_as_days(demo_ws: Workspace) -> None:
    expo = demo_ws.get("festisol-2026-valence-expo")
    assert isinstance(expo, Event)
    occurrence = expo.occurrences[0]
    assert isinstance(occurrence.end, date)
    assert not isinstance(occurrence.end, datetime)
    data = api_export(demo_ws)
    uid = f"festisol-2026-valence-expo-1@{DOMAIN}"
    event = by_uid(data)[uid]
    assert event.decoded("DTSTART") == occurrence.start
    assert event.decoded("DTEND") == occurrence.end + timedelta(days=1)  # exclusive end
    assert vobject_by_uid(data)[uid].dtend.value == occurrence.end + timedelta(days=1)
    assert f"UID:{uid}" in data.decode()
    assert re.search(rb"DTSTART;VALUE=DATE:\d{8}\r\n", data)


def test_the_occurrences_of_an_event_are_numbered_in_date_order(demo_ws: Workspace) -> None:
    ateliers = demo_ws.get("resacoop-2027-ateliers-saint-etienne")
    assert isinstance(ateliers, Event)
    assert len(ateliers.occurrences) == 3
    found = by_uid(api_export(demo_ws))
    starts = []
    for n in (1, 2, 3):
        event = found[f"resacoop-2027-ateliers-saint-etienne-{n}@{DOMAIN}"]
        starts.append(event.decoded("DTSTART"))
        assert f"Séance {n} sur 3." in str(event["DESCRIPTION"])
        assert str(event["SUMMARY"]) == ateliers.title.get("fr")
    assert starts == sorted(o.start for o in ateliers.occurrences)


def test_html_descriptions_become_plain_text(demo_ws: Workspace) -> None:
    data = api_export(demo_ws)
    html = [e for e in demo_ws.events() if e.description and "<p>" in e.description.get()]
    assert html, "the demo's OpenAgenda events have HTML descriptions"
    found = by_uid(data)
    for event in html:
        description = str(found[f"{event.id}-1@{DOMAIN}"]["DESCRIPTION"])
        assert "<" not in description
        assert "&nbsp;" not in description
        assert "\n\n" in description  # paragraphs kept apart


def test_only_the_records_given_are_written(demo_ws: Workspace) -> None:
    chosen = demo_ws.events(departement="69")
    assert 0 < len(chosen) < len(demo_ws.events())
    out = io.BytesIO()
    count = demo_ws.export("ics", out, records=[*chosen, *demo_ws.calls()])
    assert count == len(chosen)
    written = {uid.split("-1@")[0] for uid in by_uid(out.getvalue()) if "-1@" in uid}
    assert written == {e.id for e in chosen}


def test_no_personal_data_nor_organizer_address(demo_ws: Workspace) -> None:
    text = api_export(demo_ws).decode()
    assert "mailto:" not in text.lower()
    assert not re.search(r"^(ORGANIZER|ATTENDEE|CONTACT)[;:]", text, re.M)


def test_a_withdrawn_event_is_left_out_or_cancelled_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with Workspace.init(root, name="RESACOOP", region="84") as ws:
        ws.add(Event(id="rencontre-1", title="Rencontre", occurrences=[{"start": "2026-12-01"}]))
        ws.add(Event(id="rencontre-2", title="Atelier", occurrences=[{"start": "2026-12-02"}]))
        ws.withdraw("rencontre-2")
        assert set(by_uid(api_export(ws))) == {"rencontre-1-1@resacoop.rrma.invalid"}
        found = by_uid(api_export(ws, include_withdrawn=True))
    withdrawn = found["rencontre-2-1@resacoop.rrma.invalid"]
    assert str(withdrawn["STATUS"]) == "CANCELLED"
    assert "Retiré de l'agenda" in str(withdrawn["DESCRIPTION"])
    assert withdrawn["SEQUENCE"] >= found["rencontre-1-1@resacoop.rrma.invalid"]["SEQUENCE"]
    data = cli_export(root, tmp_path / "withdrawn.ics", "--withdrawn")
    assert str(by_uid(data)["rencontre-2-1@resacoop.rrma.invalid"]["STATUS"]) == "CANCELLED"


def test_a_changed_event_keeps_its_uid_after_a_resync(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    def serve(start: str) -> None:
        line = {
            "id": "rencontre-2027",
            "title": "Rencontre régionale",
            "occurrences": [{"start": start}, {"start": "2027-02-12T09:00:00+01:00"}],
            "venue": {"name": "Hôtel de Région", "address": {"commune": "69123"}},
        }
        httpserver.clear()
        httpserver.expect_request("/agenda.jsonl").respond_with_data(
            json.dumps(line) + "\n", content_type="application/x-ndjson"
        )

    root = tmp_path / "ws"
    with Workspace.init(root, name="RESACOOP", region="84") as ws:
        ws.config.workspace.allow_private_addresses = True
        ws.add_source("agenda", "jsonl", url=httpserver.url_for("/agenda.jsonl"))
        serve("2027-01-29T09:00:00+01:00")
        assert ws.sync().ok
    before = by_uid(cli_export(root, tmp_path / "before.ics"))
    with Workspace.open(root) as ws:
        serve("2027-02-05T09:00:00+01:00")  # the source moves the first day by a week
        assert ws.sync().ok
    after = by_uid(cli_export(root, tmp_path / "after.ics"))
    assert (
        list(after)
        == list(before)
        == [
            "rencontre-2027-1@resacoop.rrma.invalid",
            "rencontre-2027-2@resacoop.rrma.invalid",
        ]
    )
    moved, kept = (after[uid] for uid in after)
    previous = before["rencontre-2027-1@resacoop.rrma.invalid"]
    assert moved.decoded("DTSTART") == datetime.fromisoformat("2027-02-05T09:00:00+01:00")
    assert previous.decoded("DTSTART") == datetime.fromisoformat("2027-01-29T09:00:00+01:00")
    # Whole seconds (RFC 5545): both syncs may fall in the same one in a test.
    assert moved.decoded("DTSTAMP") >= previous.decoded("DTSTAMP")
    assert moved["SEQUENCE"] >= previous["SEQUENCE"]
    assert kept.decoded("DTSTART") == datetime.fromisoformat("2027-02-12T09:00:00+01:00")
