"""The feeds of a synced demo workspace, through ``ws.export`` and ``rrma export``, read back
by feedparser and by the standard library's XML parser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, tzinfo
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.models import CallForProjects, Event

from ._helpers import ATOM, entry_id, html_of, items, read


def _export(ws: Workspace, fmt: str, **kwargs: object) -> bytes:
    out = io.BytesIO()
    count = ws.export(fmt, out, **kwargs)  # type: ignore[arg-type]
    data = out.getvalue()
    assert count == len(read(data).entries)
    return data


#: Month names, to write the expected dates: ``rrma demo`` moves the samples' dates to the
#: current week (by whole weeks, so weekdays and times stay), so tests read them from records.
FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
EN_MONTHS = "January February March April May June July August September October November December"


def _day(value: date | datetime, lang: str, tz: tzinfo) -> str:
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    months = (FR_MONTHS if lang == "fr" else EN_MONTHS).split()
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {months[day.month - 1]} {day.year}"


FR_DAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche"
EN_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"


def _when(event: Event, lang: str, tz: tzinfo) -> str:
    """An evening's date and times, as the feed should write them."""
    start, end = event.occurrences[0].start, event.occurrences[0].end
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    first, last = start.astimezone(tz), end.astimezone(tz)
    weekday = (FR_DAYS if lang == "fr" else EN_DAYS).split()[first.weekday()]
    dash = " – " if lang == "fr" else "–"
    return f"{weekday} {_day(first, lang, tz)}, {first:%H:%M}{dash}{last:%H:%M}"


def _deadline_order(call: CallForProjects, ws: Workspace) -> tuple[int, datetime, str]:
    deadline = call.deadline
    if deadline is None:
        return (1, datetime.max.replace(tzinfo=ws.timezone), call.id)
    if isinstance(deadline, datetime):
        return (0, deadline, call.id)
    return (0, datetime.combine(deadline, datetime.max.time(), ws.timezone), call.id)


def _start_order(event: Event, ws: Workspace) -> datetime:
    start = event.start
    if isinstance(start, datetime):
        return start
    return datetime.combine(start, datetime.min.time(), ws.timezone)


def test_calls_feed_has_every_call_by_deadline(ws: Workspace, fmt: str) -> None:
    calls = list(ws.calls())
    assert len(calls) >= 10
    feed = read(_export(ws, fmt, models=[CallForProjects]))

    assert feed.feed.title == "Réseau de démonstration — appels à projets"
    assert feed.feed.language == "fr"
    expected = [c.id for c in sorted(calls, key=lambda c: _deadline_order(c, ws))]
    assert [entry_id(fmt, e) for e in feed.entries] == expected
    by_id = {c.id: c for c in calls}
    for entry in feed.entries:
        call = by_id[entry_id(fmt, entry)]
        assert entry.get("link") == call.url
        assert entry.title.startswith(call.title.get("fr"))
        schemes = {tag.scheme: tag for tag in entry.tags}
        for funder in call.funders:
            assert funder.name in entry.summary
            assert any(t.term == funder.name for t in entry.tags if t.scheme == "urn:rrma:funder")
        if call.deadline is not None:
            assert "Date limite" in entry.summary
            assert "date limite" in entry.title
            assert "urn:rrma:deadline" in schemes
        assert entry.published_parsed is not None


def test_rss_guids_are_record_ids_not_permalinks(ws: Workspace) -> None:
    feed = read(_export(ws, "rss", models=[CallForProjects]))
    root = ET.fromstring(_export(ws, "rss", models=[CallForProjects]))
    guids = root.findall("./channel/item/guid")
    assert guids
    assert all(g.get("isPermaLink") == "false" for g in guids)
    assert all(entry.guidislink is False for entry in feed.entries)
    ids = {c.id for c in ws.calls()}
    assert {g.text for g in guids} == ids


def test_events_feed_is_sorted_by_start_with_times_in_the_workspace_zone(
    ws: Workspace, fmt: str
) -> None:
    events = list(ws.events())
    feed = read(_export(ws, fmt, models=[Event]))

    assert feed.feed.title == "Réseau de démonstration — agenda"
    assert len(feed.entries) == len(events)
    expected = sorted(events, key=lambda e: (_start_order(e, ws), e.id))
    assert [entry_id(fmt, e) for e in feed.entries] == [e.id for e in expected]
    lyon = next(e for e in feed.entries if entry_id(fmt, e) == "alimenterre-2026-lyon-01")
    record = next(e for e in events if e.id == "alimenterre-2026-lyon-01")
    when = _when(record, "fr", ws.timezone)
    assert f"<strong>Quand\xa0:</strong> {when}</p>" in lyon.summary
    day = _day(record.start, "fr", ws.timezone)
    assert lyon.title == f"Projection-débat « Semences de résistance » — {day}"
    assert "Cinéma Le Comœdia, 13 avenue Berthelot, 69007 Lyon" in lyon.summary
    assert lyon.link == "https://resacoop.example/agenda/alimenterre-2026-lyon-01"
    assert lyon.where["coordinates"] == (4.8397, 45.7495)
    assert {t.scheme for t in lyon.tags} >= {"urn:rrma:event-kind", "urn:rrma:departement"}


def test_mixed_feed_holds_calls_and_events(ws: Workspace, fmt: str) -> None:
    data = _export(ws, fmt)
    feed = read(data)
    assert feed.feed.title == "Réseau de démonstration — appels à projets et agenda"
    assert len(feed.entries) == len(ws.calls()) + len(ws.events())
    assert len(items(data)) == len(feed.entries)


def test_kind_option_keeps_one_kind(ws: Workspace, fmt: str) -> None:
    calls = read(_export(ws, fmt, kind="calls"))
    events = read(_export(ws, fmt, kind="events"))
    assert len(calls.entries) == len(ws.calls())
    assert len(events.entries) == len(ws.events())
    assert calls.feed.title.endswith("appels à projets")
    assert events.feed.title.endswith("agenda")


def test_query_results_can_be_exported(ws: Workspace, fmt: str) -> None:
    open_calls = ws.calls(open_on=date.today())  # the demo is dated around today
    assert open_calls
    feed = read(_export(ws, fmt, records=open_calls))
    assert {entry_id(fmt, e) for e in feed.entries} == {c.id for c in open_calls}


def test_export_filters_choose_the_records(ws: Workspace, fmt: str) -> None:
    today = date.today()
    feed = read(_export(ws, fmt, models=[CallForProjects], where={"open_on": today}))
    assert feed.entries
    assert [entry_id(fmt, e) for e in feed.entries] == [
        c.id for c in sorted(ws.calls(open_on=today), key=lambda c: _deadline_order(c, ws))
    ]


def test_cli_filters_choose_the_records(demo_dir: Path, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"ouverts.{fmt}"
    main(["-w", str(demo_dir), "export", fmt, "-o", str(path), "--open", "-O", "kind=calls"])
    feed = read(path.read_bytes())
    with Workspace.open(demo_dir) as ws:
        expected = {c.id for c in ws.calls(open_on=date.today())}
    assert expected
    assert {entry_id(fmt, e) for e in feed.entries} == expected


def test_english_feed(ws: Workspace, fmt: str) -> None:
    feed = read(_export(ws, fmt, models=[CallForProjects], lang="en"))
    assert feed.feed.title == "Réseau de démonstration — calls for projects"
    assert feed.feed.language == "en"
    region = next(e for e in feed.entries if entry_id(fmt, e) == "aap-region-ara-csi-2027")
    assert region.title.startswith("“International cooperation and solidarity” call")
    record = next(c for c in ws.calls() if c.id == "aap-region-ara-csi-2027")
    assert record.deadline is not None
    day = _day(record.deadline, "en", ws.timezone)
    assert region.title.endswith(f" — deadline: {day}")
    assert f"<strong>Deadline:</strong> Friday {day}" in region.summary
    assert "Eligible applicants" in region.summary


def test_ids_are_stable_across_exports(ws: Workspace, fmt: str) -> None:
    first = read(_export(ws, fmt))
    second = read(_export(ws, fmt))
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert len({e.id for e in first.entries}) == len(first.entries)


def test_bad_options_are_config_errors(ws: Workspace, fmt: str) -> None:
    with pytest.raises(ConfigError, match="colour"):
        ws.export(fmt, io.BytesIO(), colour="red")
    with pytest.raises(ConfigError, match="link"):
        ws.export(fmt, io.BytesIO(), link="ftp://example.org/")
    with pytest.raises(ConfigError, match="kind"):
        ws.export(fmt, io.BytesIO(), kind="news")


def test_cli_writes_the_feed(demo_dir: Path, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"appels.{fmt}"
    main(
        ["-w", str(demo_dir), "export", fmt, "-o", str(path), "--type", "CallForProjects",
         "-O", "link=https://www.resacoop.org/", "-O", "limit=5"]
    )  # fmt: skip
    data = path.read_bytes()
    feed = read(data)
    assert len(feed.entries) == 5
    assert feed.feed.link == "https://www.resacoop.org/"
    with Workspace.open(demo_dir) as ws:
        soonest = sorted(ws.calls(), key=lambda c: _deadline_order(c, ws))[:5]
    assert [entry_id(fmt, e) for e in feed.entries] == [c.id for c in soonest]
    if fmt == "atom":
        root = ET.fromstring(data)
        self_link = root.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None
        assert self_link.get("href") == "https://www.resacoop.org/calls.atom"


def test_cli_english_events(demo_dir: Path, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"agenda.{fmt}"
    main(["-w", str(demo_dir), "export", fmt, "-o", str(path), "--lang", "en",
          "-O", "kind=events"])  # fmt: skip
    data = path.read_bytes()
    feed = read(data)
    assert feed.feed.title == "Réseau de démonstration — events"
    lyon = next(e for e in feed.entries if entry_id(fmt, e) == "alimenterre-2026-lyon-01")
    assert lyon.title.startswith("Screening and debate: “Seeds of Resistance”")
    with Workspace.open(demo_dir) as ws:
        record = next(e for e in ws.events() if e.id == "alimenterre-2026-lyon-01")
        when = _when(record, "en", ws.timezone)
    assert f"<strong>When:</strong> {when}</p>" in lyon.summary
    assert all(html_of(item) for item in items(data))


def test_cli_bad_option_exits_2(demo_dir: Path, tmp_path: Path, fmt: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["-w", str(demo_dir), "export", fmt, "-o", str(tmp_path / "x"), "-O", "limit=0"])
    assert exit_.value.code == 2
    assert not (tmp_path / "x").exists()
