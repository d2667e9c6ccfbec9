"""Fixtures of the ``ics`` exporter tests: a synced demo workspace, hand-made events, and the
two independent readers every output goes through (icalendar and vobject)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from rrma_agenda import IcsExporter, IcsOptions
from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.exporters import ExportContext
from rrma_core.models import Event, Record

PARIS = ZoneInfo("Europe/Paris")
#: The stamp of hand-made records: what DTSTAMP and LAST-MODIFIED must show.
STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="package")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace made and synced by ``rrma demo`` (offline), once for the whole package."""
    directory = tmp_path_factory.mktemp("agenda-demo") / "demo"
    main(["demo", str(directory)])
    return directory


@pytest.fixture
def demo_ws(demo_dir: Path) -> Iterator[Workspace]:
    """The demo workspace, opened (tests must not change it: it is shared)."""
    with Workspace.open(demo_dir) as ws:
        yield ws


def make_event(**fields: Any) -> Event:
    """An event with defaults for what a test does not care about."""
    data: dict[str, Any] = {
        "id": "test-event",
        "title": "Projection-débat",
        "occurrences": [{"start": "2026-11-20T20:00:00+01:00", "end": "2026-11-20T22:00:00+01:00"}],
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    data.update(fields)
    return Event.parse(data)


def export(
    records: list[Record] | list[Event],
    *,
    lang: str = "fr",
    workspace: str = "Réseau test",
    timezone: ZoneInfo = PARIS,
    **options: Any,
) -> bytes:
    """What the exporter writes for ``records``, called as the engine calls it."""
    exporter = IcsExporter(IcsOptions(**options))
    out = io.BytesIO()
    ctx = ExportContext(workspace=workspace, timezone=timezone, lang=lang, now=NOW)
    count = exporter.export(records, out, ctx)
    assert count == len({r.id for r in records if isinstance(r, Event)})
    return out.getvalue()


def read_icalendar(data: bytes) -> Any:
    """The calendar as icalendar reads it (it raises on what it cannot parse)."""
    return icalendar.Calendar.from_ical(data)


def read_vobject(data: bytes) -> Any:
    """The calendar as vobject, the second independent parser, reads it."""
    return vobject.readOne(data.decode("utf-8"))


def unescaped(value: Any) -> str:
    """A TEXT value icalendar keeps as it was written (NAME, X-WR-*), unescaped (RFC 5545)."""
    raw = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def vevents(data: bytes) -> list[Any]:
    """The VEVENTs, after checking that both readers read the same UIDs in the same order."""
    calendar = read_icalendar(data)
    events = list(calendar.walk("VEVENT"))
    other = read_vobject(data)
    other_uids = [e.uid.value for e in getattr(other, "vevent_list", [])]
    assert other_uids == [str(e["UID"]) for e in events]
    return events


def by_uid(data: bytes) -> dict[str, Any]:
    """The VEVENTs by UID (each UID once)."""
    events = vevents(data)
    found = {str(e["UID"]): e for e in events}
    assert len(found) == len(events), "a UID is repeated"
    return found


def vobject_by_uid(data: bytes) -> dict[str, Any]:
    """vobject's VEVENTs by UID."""
    return {e.uid.value: e for e in read_vobject(data).vevent_list}
