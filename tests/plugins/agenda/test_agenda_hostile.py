"""The ``ics`` exporter on hand-made and hostile events: escaping, folding, control characters,
HTML, huge texts, missing fields, all-day and overseas events, read back by two parsers."""

from __future__ import annotations

import doctest
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import rrma_agenda._exporter
import rrma_agenda._text
import rrma_agenda._zones
from rrma_agenda._exporter import MAX_DESCRIPTION, MAX_SUMMARY
from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.models import Event

from .conftest import (
    STAMP,
    by_uid,
    export,
    make_event,
    read_icalendar,
    read_vobject,
    unescaped,
    vevents,
    vobject_by_uid,
)

UID = "test-event-1@reseau-test.rrma.invalid"
#: Text that needs every TEXT escape of RFC 5545 (backslash, semicolon, comma, line breaks).
AWKWARD = "Eau; assainissement, énergie \\ déchets\nDeuxième ligne\n\nTroisième, enfin; fin\\"
#: C0 controls but tab and line feed, DEL, C1 controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("module", [rrma_agenda._text, rrma_agenda._zones, rrma_agenda._exporter])
def test_the_examples_in_the_docstrings_run(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert failures == 0
    assert tried > 0 or module is rrma_agenda._exporter


def test_escaped_text_reads_back_the_same_in_both_parsers() -> None:
    event = make_event(title="Ciné-débat; « Nourrir », la ville \\ et nous", description=AWKWARD)
    data = export([event])
    unfolded = data.replace(b"\r\n ", b"").decode()
    assert r"SUMMARY:Ciné-débat\; « Nourrir »\, la ville \\ et nous" + "\r\n" in unfolded
    ours = by_uid(data)[UID]
    assert str(ours["SUMMARY"]) == "Ciné-débat; « Nourrir », la ville \\ et nous"
    assert str(ours["DESCRIPTION"]) == AWKWARD
    theirs = vobject_by_uid(data)[UID]
    assert theirs.summary.value == "Ciné-débat; « Nourrir », la ville \\ et nous"
    assert theirs.description.value == AWKWARD


def test_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    long_text = ("Coopération décentralisée 🌍 entre Lyon et Ouagadougou — 合作 — " * 40).strip()
    event = make_event(title=long_text[:240], description=long_text)
    data = export([event], name="Réseau 🌍 " * 20)
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never cuts a multi-byte character in two
    assert max(len(line) for line in data.split(b"\r\n")) > 70  # really folded, not short
    ours = by_uid(data)[UID]
    assert str(ours["DESCRIPTION"]) == long_text
    assert vobject_by_uid(data)[UID].description.value == long_text


def test_control_characters_are_removed() -> None:
    event = make_event(
        title="Fête\x00 des\x07 solidarités\x1b\x7f\x85",
        description="Ligne\x0b un\x0c\r\nLigne\x01 deux\u2028Ligne trois\x9b",
        venue={"name": "Salle\x08 des fêtes", "address": {"city": "Lyon\x1f"}},
        keywords=["mot\x00clé"],
    )
    data = export([event])
    assert not FORBIDDEN.search(data.decode("utf-8").replace("\r\n", "\n"))
    ours = by_uid(data)[UID]
    assert str(ours["SUMMARY"]) == "Fête des solidarités"
    assert str(ours["DESCRIPTION"]) == "Ligne un\nLigne deux\nLigne trois"
    assert str(ours["LOCATION"]) == "Salle des fêtes, Lyon"
    assert [str(c) for c in ours["CATEGORIES"].cats] == ["motclé"]
    assert vobject_by_uid(data)[UID].summary.value == "Fête des solidarités"


def test_scripts_and_tags_never_reach_the_calendar() -> None:
    description = (
        "<p>Projection <strong>suivie</strong> d'un débat.</p>"
        "<script>alert('agenda')</script><style>p { color: red }</style>"
        "<p onclick=\"steal()\">Inscription sur <a href='https://example.org/inscription'>"
        "le site</a>.</p><ul><li>Awa</li><li>Ali</li></ul>"
        # escaped once more, as some feeds do
        "&lt;p&gt;Entrée libre&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    )
    event = make_event(title="<b>Ciné</b>-débat <script>x()</script>", description=description)
    data = export([event])
    text = data.decode()
    for needle in ("<script", "alert", "onclick", "<p", "&lt;", "color: red"):
        assert needle not in text
    ours = by_uid(data)[UID]
    assert str(ours["SUMMARY"]) == "Ciné-débat"
    assert str(ours["DESCRIPTION"]) == (
        "Projection suivie d'un débat.\n\n"
        "Inscription sur le site (https://example.org/inscription).\n\n"
        "• Awa\n• Ali\n\nEntrée libre"
    )


@pytest.mark.parametrize("times", [1, 2, 3, 4, 5])
def test_html_escaped_again_and_again_never_yields_a_tag(times: int) -> None:
    script = "<p>Entrée libre</p><script>alert(1)</script>"
    for _ in range(times):
        script = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    description = str(by_uid(export([make_event(description=script)]))[UID]["DESCRIPTION"])
    assert "<script" not in description
    assert "</script" not in description
    assert "<p>" not in description


def test_text_that_only_looks_like_html_is_kept() -> None:
    event = make_event(title="Jeunes <3 solidarité", description="Budget < 5 000 € & > 1 000 €")
    ours = by_uid(export([event]))[UID]
    assert str(ours["SUMMARY"]) == "Jeunes <3 solidarité"
    assert str(ours["DESCRIPTION"]) == "Budget < 5 000 € & > 1 000 €"


def test_huge_texts_are_cut_and_the_calendar_stays_readable() -> None:
    event = make_event(
        title="Rencontre " * 5_000,
        description="Un très long texte. " * 100_000,
        keywords=[f"mot {n}" for n in range(500)],
        organisers=[{"name": f"Association {n}"} for n in range(300)],
        url="https://example.org/rencontre",
    )
    data = export([event])
    assert len(data) < 30_000
    ours = by_uid(data)[UID]
    assert len(str(ours["SUMMARY"])) <= MAX_SUMMARY
    assert str(ours["SUMMARY"]).endswith("…")
    description = str(ours["DESCRIPTION"])
    assert description.startswith("Un très long texte.")
    assert "…\n\nOrganisé par\u00a0: Association 0, " in description
    assert description.endswith("Plus d'informations\u00a0: https://example.org/rencontre")
    assert len(description) < MAX_DESCRIPTION + 1_000
    assert 0 < len(ours["CATEGORIES"].cats) <= 40
    assert vobject_by_uid(data)[UID].summary.value == str(ours["SUMMARY"])


def test_an_event_with_only_the_required_fields() -> None:
    event = Event(id="bare", title="Réunion", occurrences=[{"start": "2026-12-01T18:00:00Z"}])
    data = export([event])
    (ours,) = vevents(data)
    assert str(ours["UID"]) == "bare-1@reseau-test.rrma.invalid"
    assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "STATUS"} <= set(ours)
    assert not {"DTEND", "LOCATION", "GEO", "URL", "CATEGORIES", "DESCRIPTION"} & set(ours)
    assert ours.decoded("DTSTART") == datetime(2026, 12, 1, 18, tzinfo=UTC)
    assert str(ours.decoded("DTSTART").tzinfo) == "Europe/Paris"  # the workspace's zone
    assert ours.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    (theirs,) = read_vobject(data).vevent_list
    assert theirs.dtstart.value == datetime(2026, 12, 1, 18, tzinfo=UTC)
    assert not hasattr(theirs, "dtend")


def test_stamps_and_sequence_come_from_the_record() -> None:
    later = STAMP + timedelta(days=3, seconds=5)
    data = export([make_event(updated_at=later)])
    ours = by_uid(data)[UID]
    assert ours.decoded("DTSTAMP") == later
    assert ours.decoded("LAST-MODIFIED") == later
    assert ours.decoded("CREATED") == STAMP
    assert ours["SEQUENCE"] == int((later - datetime(2020, 1, 1, tzinfo=UTC)).total_seconds())
    assert b"DTSTAMP:20260904T080005Z\r\n" in data


@pytest.mark.parametrize(
    ("occurrence", "start", "end"),
    [
        ({"start": "2026-11-21"}, date(2026, 11, 21), date(2026, 11, 22)),
        (
            {"start": "2026-11-20", "end": "2026-12-04"},
            date(2026, 11, 20),
            date(2026, 12, 5),
        ),
    ],
)
def test_all_day_events_end_the_day_after_their_last_day(
    occurrence: dict[str, str], start: date, end: date
) -> None:
    data = export([make_event(occurrences=[occurrence])])
    ours = by_uid(data)[UID]
    assert ours.decoded("DTSTART") == start
    assert ours.decoded("DTEND") == end
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}\r\n".encode() in data
    assert f"DTEND;VALUE=DATE:{end:%Y%m%d}\r\n".encode() in data
    theirs = vobject_by_uid(data)[UID]
    assert (theirs.dtstart.value, theirs.dtend.value) == (start, end)
    assert b"BEGIN:VTIMEZONE" not in data  # dates need no zone


def test_overseas_events_are_written_in_their_own_zones() -> None:
    cayenne = make_event(
        id="festisol-cayenne",
        occurrences=[{"start": "2026-11-20T18:00:00-03:00", "end": "2026-11-20T20:00:00-03:00"}],
        venue={"name": "Médiathèque Franconie", "address": {"commune": "97302"}},
    )
    reunion = make_event(
        id="festisol-saint-denis",
        # given in UTC by the source: 18:00 in La Réunion
        occurrences=[{"start": "2026-11-21T14:00:00Z", "end": "2026-11-21T16:00:00Z"}],
        venue={"name": "Cité des arts", "address": {"commune": "97411"}},
    )
    fort_de_france = make_event(
        id="festisol-fort-de-france",
        occurrences=[{"start": datetime(2026, 11, 22, 18, tzinfo=ZoneInfo("America/Martinique"))}],
    )
    data = export([cayenne, reunion, fort_de_france])
    calendar = read_icalendar(data)
    assert sorted(tz.tz_name for tz in calendar.timezones) == [
        "America/Cayenne",
        "America/Martinique",
        "Indian/Reunion",
    ]
    assert sorted(calendar.get_used_tzids()) == sorted(tz.tz_name for tz in calendar.timezones)
    text = data.decode()
    assert "DTSTART;TZID=America/Cayenne:20261120T180000\r\n" in text
    assert "DTSTART;TZID=Indian/Reunion:20261121T180000\r\n" in text
    assert "DTSTART;TZID=America/Martinique:20261122T180000\r\n" in text
    ours, theirs = by_uid(data), vobject_by_uid(data)
    for event in (cayenne, reunion, fort_de_france):
        uid = f"{event.id}-1@reseau-test.rrma.invalid"
        assert ours[uid].decoded("DTSTART") == event.occurrences[0].start
        assert theirs[uid].dtstart.value == event.occurrences[0].start
        offset = ours[uid].decoded("DTSTART").utcoffset()
        assert theirs[uid].dtstart.value.utcoffset() == offset


def test_a_mainland_event_keeps_its_local_time_across_the_change_to_winter_time() -> None:
    october = make_event(
        id="octobre",
        occurrences=[{"start": "2026-10-16T18:00:00Z"}],  # 20:00 in Paris (summer time)
        venue={"address": {"commune": "69123"}},
    )
    november = make_event(
        id="novembre",
        occurrences=[{"start": "2026-11-16T19:00:00Z"}],  # 20:00 in Paris (winter time)
        venue={"address": {"commune": "69123"}},
    )
    data = export([october, november])
    text = data.decode()
    assert "DTSTART;TZID=Europe/Paris:20261016T200000\r\n" in text
    assert "DTSTART;TZID=Europe/Paris:20261116T200000\r\n" in text
    theirs = vobject_by_uid(data)
    assert theirs["octobre-1@reseau-test.rrma.invalid"].dtstart.value.utcoffset() == timedelta(
        hours=2
    )
    assert theirs["novembre-1@reseau-test.rrma.invalid"].dtstart.value.utcoffset() == timedelta(
        hours=1
    )


def test_statuses_and_places() -> None:
    online = make_event(
        id="webinaire",
        attendance_mode="online",
        online_url="https://visio.example.org/aap",
        status="postponed",
    )
    moved = make_event(
        id="conference",
        venue={"name": "Maison des associations", "address": {"commune": "38185"}},
        online_url="https://visio.example.org/conference",
        attendance_mode="mixed",
        status="moved-online",
    )
    cancelled = make_event(
        id="annule",
        status="cancelled",
        venue={
            "name": "Centre culturel",
            "address": {"street": "3 rue Carnot", "city": "Dakar", "country": "SN"},
            "coordinates": {"lat": 14.6928, "lon": -17.4467},
        },
    )
    data = export([online, moved, cancelled])
    ours, theirs = by_uid(data), vobject_by_uid(data)
    webinaire = ours["webinaire-1@reseau-test.rrma.invalid"]
    assert str(webinaire["STATUS"]) == "TENTATIVE"
    assert str(webinaire["LOCATION"]) == "https://visio.example.org/aap"
    assert str(ours["conference-1@reseau-test.rrma.invalid"]["LOCATION"]) == (
        "https://visio.example.org/conference"
    )
    annule = ours["annule-1@reseau-test.rrma.invalid"]
    assert str(annule["STATUS"]) == "CANCELLED"
    assert str(annule["LOCATION"]) == "Centre culturel, 3 rue Carnot, Dakar, Sénégal"
    assert annule["GEO"].latitude == pytest.approx(14.6928)
    assert theirs["annule-1@reseau-test.rrma.invalid"].status.value == "CANCELLED"
    assert theirs["annule-1@reseau-test.rrma.invalid"].location.value == (
        "Centre culturel, 3 rue Carnot, Dakar, Sénégal"
    )


def test_categories_are_labels_and_keywords_each_once_in_the_language_asked() -> None:
    event = make_event(
        event_kind="projection-debat",
        themes=["eau-environnement", "agriculture"],
        keywords=["Agriculture", "agroécologie", "AGROECOLOGIE", "semences, paysannes"],
    )
    french = [str(c) for c in by_uid(export([event]))[UID]["CATEGORIES"].cats]
    assert french == [
        "Projection-débat",
        "Eau, assainissement, énergie, environnement, déchets",
        "Agriculture",
        "agroécologie",
        "semences, paysannes",
    ]
    data = export([event], lang="en")
    english = [str(c) for c in by_uid(data)[UID]["CATEGORIES"].cats]
    water = "Water, sanitation, energy, environment, waste"
    assert english[:2] == ["Film screening and debate", water]
    assert vobject_by_uid(data)[UID].categories.value == english


def test_the_same_records_give_the_same_bytes_in_any_order() -> None:
    events = [
        make_event(id=f"e{n}", occurrences=[{"start": f"2026-12-{n + 1:02d}"}]) for n in range(9)
    ]
    assert export(events) == export(list(reversed(events)))
    assert export(events, domain="resacoop.org") == export(events, domain="RESACOOP.org.")


def test_a_record_given_twice_is_written_once_in_its_latest_version() -> None:
    old = make_event(title="Ancien titre")
    new = make_event(title="Nouveau titre", updated_at=STAMP + timedelta(hours=1))
    (ours,) = vevents(export([new, old, old]))
    assert str(ours["SUMMARY"]) == "Nouveau titre"


def test_an_empty_agenda_is_still_a_valid_calendar() -> None:
    data = export([])
    calendar = read_icalendar(data)
    assert calendar.walk("VEVENT") == []
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert read_vobject(data).vtimezone.tzid.value == "Europe/Paris"


def test_calendar_options() -> None:
    data = export(
        [make_event()],
        name="Agenda; RESACOOP, \\ Auvergne-Rhône-Alpes",
        description="<p>Les événements du réseau</p>",
        refresh_hours=12,
    )
    calendar = read_icalendar(data)
    assert unescaped(calendar["X-WR-CALNAME"]) == "Agenda; RESACOOP, \\ Auvergne-Rhône-Alpes"
    assert unescaped(calendar["NAME"]) == "Agenda; RESACOOP, \\ Auvergne-Rhône-Alpes"
    assert unescaped(calendar["X-WR-CALDESC"]) == "Les événements du réseau"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data
    assert b"X-PUBLISHED-TTL:PT12H\r\n" in data
    assert read_vobject(data).contents["x-wr-calname"][0].value == (
        "Agenda; RESACOOP, \\ Auvergne-Rhône-Alpes"
    )


def test_hostile_records_through_the_workspace_and_the_cli(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    hostile = make_event(
        id="hostile",
        title="=cmd|' /C calc'!A0; <script>alert(1)</script>\x00",
        description=AWKWARD + "\x1b<script>alert(2)</script>",
        occurrences=[{"start": "2026-11-20T18:00:00-03:00"}, {"start": "2026-11-27"}],
        venue={"name": "Médiathèque", "address": {"commune": "97302"}},
    )
    with Workspace.init(root, name="Réseau; \\ test", region="03") as ws:
        ws.add(hostile)
        out = io.BytesIO()
        assert ws.export("ics", out) == 1
    path = tmp_path / "agenda.ics"
    main(["-w", str(root), "export", "ics", "-o", str(path)])
    for data in (out.getvalue(), path.read_bytes()):
        assert not FORBIDDEN.search(data.decode("utf-8").replace("\r\n", "\n"))
        assert b"<script" not in data
        calendar = read_icalendar(data)
        assert unescaped(calendar["X-WR-CALNAME"]) == "Réseau; \\ test"
        assert str(calendar["X-WR-TIMEZONE"]) == "America/Cayenne"  # Guyane's workspace
        ours = by_uid(data)
        first = ours["hostile-1@reseau-test.rrma.invalid"]
        assert str(first["SUMMARY"]) == "=cmd|' /C calc'!A0;"
        assert str(first["DESCRIPTION"]).startswith(AWKWARD + "\n\nSéance 1 sur 2.")
        assert ours["hostile-2@reseau-test.rrma.invalid"].decoded("DTSTART") == date(2026, 11, 27)
    assert out.getvalue() == path.read_bytes()
