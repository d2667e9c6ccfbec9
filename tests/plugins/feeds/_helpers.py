"""Helpers of the ``rss`` and ``atom`` tests: hand-made records, and an export with a fixed
clock read back with feedparser and with the standard library's XML parser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, Record
from rrma_feeds import AtomExporter, FeedExporter, RssExporter

#: The export clock of the hand-made tests (``ExportContext.now``).
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
#: When the hand-made records were stored.
STORED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
ATOM = "{http://www.w3.org/2005/Atom}"
EXPORTERS: dict[str, type[FeedExporter]] = {"rss": RssExporter, "atom": AtomExporter}


def call(id: str, **fields: Any) -> CallForProjects:
    """A call for projects stored at ``STORED``."""
    fields.setdefault("title", f"Appel {id}")
    return CallForProjects(id=id, created_at=STORED, updated_at=STORED, **fields)


def event(id: str, start: str, **fields: Any) -> Event:
    """An event with one occurrence starting at ``start``, stored at ``STORED``."""
    fields.setdefault("title", f"Événement {id}")
    occurrences = fields.pop("occurrences", [{"start": start, "end": fields.pop("end", None)}])
    return Event(id=id, occurrences=occurrences, created_at=STORED, updated_at=STORED, **fields)


def export(
    fmt: str,
    records: Iterable[Record],
    *,
    lang: str = "fr",
    tz: ZoneInfo = PARIS,
    now: datetime = NOW,
    workspace: str = "Réseau test",
    **options: Any,
) -> bytes:
    """The feed of ``records`` as the engine would write it, with a fixed clock."""
    exporter_cls = EXPORTERS[fmt]
    exporter = exporter_cls(exporter_cls.Options.model_validate(options))
    ctx = ExportContext(workspace=workspace, timezone=tz, lang=lang, now=now)
    out = io.BytesIO()
    count = exporter.export(list(records), out, ctx)
    data = out.getvalue()
    assert count == len(read(data).entries)
    return data


def read(data: bytes) -> Any:
    """Parse a feed with feedparser, which must find nothing wrong with it."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert parsed.version in {"rss20", "atom10"}
    return parsed


def items(data: bytes) -> list[ET.Element]:
    """The items (RSS) or entries (Atom) as the standard library's XML parser reads them."""
    root = ET.fromstring(data)
    if root.tag == "rss":
        assert root.get("version") == "2.0"
        return root.findall("./channel/item")
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def html_of(item: ET.Element) -> str:
    """The HTML of an item's description (RSS) or content (Atom), as the XML holds it."""
    node = item.find("description")
    if node is None:
        node = item.find(f"{ATOM}content")
        assert node is not None
        assert node.get("type") == "html"
    return node.text or ""


def title_of(item: ET.Element) -> str:
    """An item's title, as the XML holds it."""
    node = item.find("title")
    if node is None:
        node = item.find(f"{ATOM}title")
    assert node is not None
    return node.text or ""


def entry_id(fmt: str, entry: Any) -> str:
    """The record id behind a feedparser entry (Atom ids are ``urn:rrma:<id>``)."""
    value = str(entry.id)
    return value.removeprefix("urn:rrma:") if fmt == "atom" else value
