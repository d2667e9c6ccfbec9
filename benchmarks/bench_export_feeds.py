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

import argparse
import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from _harness import Sink, best_times, peak_mib

from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, Record
from rrma_feeds import AtomExporter, FeedExporter, FeedOptions, RssExporter
from rrma_feeds._entries import SCHEME, Entry, EntryMaker, sort_key
from rrma_feeds._writers import ATOM_NS, EV_NS, GEORSS_NS

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
STORED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
VENUES = [
    {"name": "Cinéma Le Zola", "address": {"street": "117 cours Émile-Zola",
     "postal_code": "69100", "city": "Villeurbanne", "commune": "69266"},
     "coordinates": {"lat": 45.769, "lon": 4.8832}},
    {"name": "Salle des fêtes", "address": {"street": "2 place de la Mairie",
     "postal_code": "37000", "city": "Tours", "commune": "37261"},
     "coordinates": {"lat": 47.3941, "lon": 0.6848}},
    {"name": "Maison des associations", "address": {"city": "Nantes", "commune": "44109"}},
]  # fmt: skip
DESCRIPTION = (
    "<p>Projection du documentaire suivie d'un débat avec une paysanne sénégalaise et "
    "Terre et Partage Rhône.</p><ul><li>Awa Ndiaye, productrice ;</li><li>l'équipe de "
    "Terre et Partage Rhône.</li></ul><p>Entrée libre, <strong>sur réservation</strong>.</p>"
)
CALL_TEXT = (
    "Soutien aux projets de solidarité internationale portés par des associations et des "
    "OSIM ayant leur siège dans la région, menés avec un partenaire local dans les pays "
    "prioritaires.\n\nUne attention particulière est portée à l'implication de la jeunesse."
)
FUNDERS = ["Région Auvergne-Rhône-Alpes", "Agence française de développement", "Fondation X"]


def make_events(count: int) -> list[Event]:
    """``count`` events over 2027: a tenth all-day, a tenth twice, a twentieth cancelled."""
    events = []
    start = datetime(2027, 1, 1, 18, 0, tzinfo=PARIS)
    for n in range(count):
        first = start + timedelta(hours=7 * n)
        if n % 10 == 3:
            day = first.date()
            occurrences: list[dict[str, Any]] = [{"start": day, "end": day + timedelta(days=1)}]
        else:
            occurrences = [{"start": first, "end": first + timedelta(hours=2)}]
            if n % 10 == 5:
                occurrences.append({"start": first + timedelta(days=7)})
        events.append(
            Event(
                id=f"event-{n:05d}",
                title={"fr": f"Projection-débat n° {n} « Nourrir la ville »",
                       "en": f"Screening and debate no. {n}"},
                description=DESCRIPTION.replace("documentaire", f"documentaire n° {n}"),
                occurrences=occurrences,
                venue=VENUES[n % len(VENUES)],
                organisers=[{"name": "Terre et Partage Rhône"}, {"name": "RESACOOP"}],
                event_kind="projection-debat",
                status="cancelled" if n % 20 == 7 else "scheduled",
                price={"text": "5 € / 3 € tarif réduit"} if n % 2 else {"free": True},
                campaign_edition="alimenterre-2026" if n % 3 == 0 else None,
                themes=["agriculture", "developpement-rural"],
                sdgs=[2, 12],
                url=f"https://agenda.example.org/evenements/{n}",
                created_at=STORED,
                updated_at=STORED,
            )
        )  # fmt: skip
    return events


def make_calls(count: int) -> list[CallForProjects]:
    """``count`` calls: deadlines as days or date-times, a tenth with none."""
    calls = []
    for n in range(count):
        deadline: date | datetime | None = date(2027, 1, 1) + timedelta(days=n % 365)
        if n % 4 == 1:
            deadline = datetime(2027, 3, 12, 12, 0, tzinfo=PARIS) + timedelta(days=n % 200)
        if n % 10 == 9:
            deadline = None
        calls.append(
            CallForProjects(
                id=f"call-{n:05d}",
                title=f"Appel à projets « Coopération et solidarité internationale » n° {n}",
                funders=[{"name": FUNDERS[n % 3]}],
                description=f"{CALL_TEXT} (appel n° {n})",
                url=f"https://www.example.org/aap/{n}",
                published_on=date(2026, 10, 15),
                deadline=deadline,
                amount={"min": 5000, "max": 30000, "rate": 50} if n % 2 else
                       {"text": "De 5 000 à 30 000 €, dans la limite de 50 % du budget"},
                eligible_actor_types=["association", "osim"],
                perimeter={"regions": ["84"]},
                themes=["agriculture", "eau", "sante"],
                sdgs=[2, 3, 6],
                countries=["SN", "BF", "MG"],
                created_at=STORED,
                updated_at=STORED,
            )
        )  # fmt: skip
    return calls


def _ctx() -> ExportContext:
    return ExportContext(workspace="Réseau de démonstration", timezone=PARIS, now=NOW)


def _prepared_entries(records: list[Record]) -> list[Entry]:
    maker = EntryMaker(_ctx(), FeedOptions())
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc runs.")
    args = parser.parse_args()

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
            exporter.export(records, out, _ctx())
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
            return exporter.export(records, io.BufferedWriter(Sink()), _ctx())

        def floor_from_entries(make_tree: Callable[[list[Entry]], Any] = make_tree) -> None:
            make_tree(entries).write(Sink(), encoding="utf-8", xml_declaration=True)

        peak_export = peak_mib(export_to_sink)
        peak_floor = peak_mib(floor_from_entries)
        print(f"{exporter_cls.name:<6} {export_time:>8.3f}s {floor_time:>8.3f}s "
              f"{export_time / floor_time:>5.2f}x {size / 2**20:>7.1f}MB "
              f"{peak_export:>10.1f}MB {peak_floor:>9.1f}MB")  # fmt: skip


if __name__ == "__main__":
    main()
