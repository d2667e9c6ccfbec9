"""RSS and Atom feed benchmark: the ``rss`` and ``atom`` exporters against ElementTree.

Generates N events (default 10,000: venues with coordinates, HTML descriptions, some all-day,
some with several occurrences, some cancelled) and M calls for projects (default 2,000:
funders, amounts, eligible applicants, date and date-time deadlines, some without one) in
memory, then measures in the same run, for each format:

- export: ``RssExporter.export`` / ``AtomExporter.export`` from the records to bytes (sorting,
  vocabulary labels, dates in the workspace's zone, sanitising, escaping, writing);
- floor: ``ElementTree.write`` of a tree already holding the very same items with the very
  same texts (built beforehand, not timed): the cost of the standard library's own XML
  serialisation of that document, which any ElementTree-based exporter pays.

It prints the best of R runs of each (taking turns), their ratio (target: within 2x of the
floor), and the peak memory of each (tracemalloc, in separate runs so that its overhead does
not skew the times; the output goes to a sink that counts bytes, so the peaks are working
memory, not the document).

    python benchmarks/bench_export_feeds.py --events 10000 --calls 2000 --repeat 3
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import _records
from _harness import Sink, arguments, best_times, peak_mib
from _records import NOW, PARIS, export_context, make_calls

from rrma_core.models import Event, Record
from rrma_feeds import AtomExporter, FeedExporter, FeedOptions, RssExporter
from rrma_feeds._entries import SCHEME, Entry, EntryMaker, sort_key
from rrma_feeds._writers import ATOM_NS, EV_NS, GEORSS_NS


def make_events(count: int) -> list[Event]:
    """The benchmark's ``count`` events (``_records.make_events``)."""
    return _records.make_events(count, description=_records.HTML_DESCRIPTION)


def _prepared_entries(records: list[Record]) -> list[Entry]:
    maker = EntryMaker(export_context(), FeedOptions())
    return [maker.entry(r) for r in sorted(records, key=lambda r: sort_key(r, PARIS))]


def _rss_tree(entries: list[Entry]) -> ET.ElementTree[ET.Element]:
    """The same RSS document as an ElementTree (same elements and texts)."""
    ET.register_namespace("atom", ATOM_NS)
    ET.register_namespace("georss", GEORSS_NS)
    ET.register_namespace("ev", EV_NS)
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    for tag, text in [
        ("title", "Réseau de démonstration — appels à projets et agenda"),
        ("link", "https://example.org/"),
        ("description", "Les appels"),
        ("language", "fr"),
        ("lastBuildDate", "Mon, 02 Nov 2026 09:30:00 +0100"),
    ]:
        ET.SubElement(channel, tag).text = text  # fmt: skip
    for entry in entries:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = entry.title
        if entry.link:
            ET.SubElement(item, "link").text = entry.link
        ET.SubElement(item, "description").text = entry.html
        for category in entry.categories:
            ET.SubElement(item, "category", domain=category.scheme).text = category.label
        ET.SubElement(item, "guid", isPermaLink="false").text = entry.id
        ET.SubElement(item, "pubDate").text = entry.published.strftime("%a, %d %b %Y %H:%M:%S %z")
        _event_elements(item, entry)
    return ET.ElementTree(rss)


def _atom_tree(entries: list[Entry]) -> ET.ElementTree[ET.Element]:
    """The same Atom document as an ElementTree (same elements and texts)."""
    a = "{" + ATOM_NS + "}"
    feed = ET.Element(a + "feed")
    for tag, text in [
        ("id", "https://example.org/feed.atom"),
        ("title", "Réseau"),
        ("updated", NOW.isoformat()),
    ]:
        ET.SubElement(feed, a + tag).text = text  # fmt: skip
    for entry in entries:
        node = ET.SubElement(feed, a + "entry")
        ET.SubElement(node, a + "id").text = SCHEME + entry.id
        ET.SubElement(node, a + "title", type="text").text = entry.title
        ET.SubElement(node, a + "published").text = entry.published.isoformat()
        ET.SubElement(node, a + "updated").text = entry.updated.isoformat()
        if entry.link:
            ET.SubElement(node, a + "link", rel="alternate", type="text/html", href=entry.link)
        for category in entry.categories:
            ET.SubElement(
                node, a + "category", term=category.term, scheme=category.scheme,
                label=category.label,
            )  # fmt: skip
        ET.SubElement(node, a + "content", type="html").text = entry.html
        _event_elements(node, entry)
    return ET.ElementTree(feed)


def _event_elements(parent: ET.Element, entry: Entry) -> None:
    if entry.point is not None:
        ET.SubElement(
            parent, "{" + GEORSS_NS + "}point"
        ).text = f"{entry.point[0]} {entry.point[1]}"
    facts = entry.event
    if facts is None:
        return
    ev = "{" + EV_NS + "}"
    ET.SubElement(parent, ev + "startdate").text = facts.start
    if facts.end:
        ET.SubElement(parent, ev + "enddate").text = facts.end
    if facts.location:
        ET.SubElement(parent, ev + "location").text = facts.location
    if facts.organisers:
        ET.SubElement(parent, ev + "organizer").text = facts.organisers
    ET.SubElement(parent, ev + "type").text = facts.kind


def main() -> None:
    """Run the benchmark and print its figures."""
    args = arguments(__doc__, repeat=3)

    started = time.perf_counter()
    records: list[Record] = [*make_calls(args.calls), *make_events(args.events)]
    print(f"{args.events:,} events and {args.calls:,} calls made in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    entries = _prepared_entries(records)
    exporters: list[tuple[type[FeedExporter], Callable[[list[Entry]], Any]]] = [
        (RssExporter, _rss_tree),
        (AtomExporter, _atom_tree),
    ]
    print(f"{'format':<6} {'export':>9} {'floor':>9} {'ratio':>6} {'size':>9} "
          f"{'peak export':>12} {'peak floor':>11}")  # fmt: skip
    for exporter_cls, make_tree in exporters:
        exporter = exporter_cls(FeedOptions())
        tree = make_tree(entries)

        def export(exporter: FeedExporter = exporter) -> int:
            out = io.BytesIO()
            exporter.export(records, out, export_context())
            return len(out.getvalue())

        def floor(tree: ET.ElementTree[ET.Element] = tree) -> int:
            out = io.BytesIO()
            tree.write(out, encoding="utf-8", xml_declaration=True)
            return len(out.getvalue())

        size = export()
        export_time, floor_time = best_times([export, floor], args.repeat)
        del tree
        if args.no_memory:
            print(f"{exporter_cls.name:<6} {export_time:>8.3f}s {floor_time:>8.3f}s "
                  f"{export_time / floor_time:>5.2f}x {size / 2**20:>7.1f}MB")  # fmt: skip
            continue

        # Peaks: the exporter from the records; the floor building its tree and writing it.
        def export_to_sink(exporter: FeedExporter = exporter) -> int:
            return exporter.export(records, io.BufferedWriter(Sink()), export_context())

        def floor_from_entries(make_tree: Callable[[list[Entry]], Any] = make_tree) -> None:
            make_tree(entries).write(Sink(), encoding="utf-8", xml_declaration=True)

        peak_export = peak_mib(export_to_sink)
        peak_floor = peak_mib(floor_from_entries)
        print(f"{exporter_cls.name:<6} {export_time:>8.3f}s {floor_time:>8.3f}s "
              f"{export_time / floor_time:>5.2f}x {size / 2**20:>7.1f}MB "
              f"{peak_export:>10.1f}MB {peak_floor:>9.1f}MB")  # fmt: skip


if __name__ == "__main__":
    main()
