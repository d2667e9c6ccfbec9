"""Open-data exporters benchmark: ``csv``, ``jsonld``, ``geojson`` and ``datapackage``.

Generates N events (default 10,000: venues with addresses and coordinates, bilingual titles,
descriptions, some all-day, some with several occurrences, some cancelled) and M calls for
projects (default 2,000: funders, amounts, eligible applicants, date and date-time
deadlines, some without one) in memory, then measures in the same run, for each format:

- export: the exporter from the records to bytes (flattening, vocabulary labels, dates in
  the workspace's zone, cleaning text, neutralising formulas, writing);
- floor: the standard library's own serialisation of the very same output, prepared
  beforehand and not timed: ``csv.writer`` writing the same rows of the same strings (for
  ``csv``; the issue's floor), ``json.dumps`` of the same nodes or features (``jsonld``,
  ``geojson``), and ``csv.writer`` into the same deflated ZIP entries plus the descriptor
  (``datapackage``).

It prints the best of R runs of each (CPU time of the process, the two taking turns), their
ratio (target: within 2x of the floor), and the
peak memory of each (tracemalloc, in separate runs so that its overhead does not skew the
times; the output goes to a sink that counts bytes, so the peaks are working memory, not the
file).

    python benchmarks/bench_export_opendata.py --events 10000 --calls 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from _harness import Sink, best_times, peak_mib

from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import CallForProjects, Event, Record
from rrma_opendata import (
    CsvExporter,
    CsvOptions,
    DataPackageExporter,
    DataPackageOptions,
    GeoJsonExporter,
    GeoJsonOptions,
    JsonLdExporter,
    JsonLdOptions,
)
from rrma_opendata._cells import CellStyle, text_writers
from rrma_opendata._columns import Env, table_for
from rrma_opendata._jsonld import Nodes, event_nodes

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
    "Projection du documentaire suivie d'un débat avec une paysanne sénégalaise et "
    "Terre et Partage Rhône. Entrée libre, sur réservation ; buffet solidaire à l'issue "
    "de la séance, avec les producteurs du marché de la Croix-Rousse."
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
                audiences=["general-public"],
                status="cancelled" if n % 20 == 7 else "scheduled",
                price={"amount": 5, "text": "5 € / 3 € tarif réduit"} if n % 2
                else {"free": True},
                campaign_edition="alimenterre-2026" if n % 3 == 0 else None,
                themes=["agriculture", "developpement-rural"],
                sdgs=[2, 12],
                keywords=["alimenterre", "=formule" if n % 50 == 0 else "semences"],
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


# --- The floors: the same output, prepared beforehand ----------------------------------------


def _rows(records: Sequence[Record], style: CellStyle) -> tuple[list[str], list[list[str]]]:
    """The header and rows the CSV exporter writes for ``records`` (one model)."""
    env = Env.of(_ctx())
    columns = table_for(type(records[0])).visible(False)
    writers = text_writers(columns, style)
    rows = [[w(c.get(r, env)) for c, w in zip(columns, writers, strict=True)] for r in records]
    return [c.name for c in columns], rows


def _csv_floor(tables: list[tuple[list[str], list[list[str]]]]) -> Callable[[IO[bytes]], Any]:
    def write(out: IO[bytes]) -> None:
        for header, rows in tables:
            out.write(b"\xef\xbb\xbf")
            stream = io.TextIOWrapper(out, encoding="utf-8", newline="")
            writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
            stream.flush()
            stream.detach()

    return write


def _json_floor(head: bytes, items: list[dict[str, Any]]) -> Callable[[IO[bytes]], Any]:
    def write(out: IO[bytes]) -> None:
        out.write(head)
        separator = b"\n"
        for item in items:
            out.write(separator)
            out.write(json.dumps(item, ensure_ascii=False).encode("utf-8"))
            separator = b",\n"
        out.write(b"\n]}\n")

    return write


def _zip_floor(
    tables: list[tuple[str, list[str], list[list[str]]]], descriptor: bytes
) -> Callable[[IO[bytes]], Any]:
    def write(out: IO[bytes]) -> None:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, header, rows in tables:
                with zf.open(f"data/{name}.csv", "w") as entry:
                    stream = io.TextIOWrapper(entry, encoding="utf-8", newline="")
                    writer = csv.writer(stream, lineterminator="\r\n")
                    writer.writerow(header)
                    writer.writerows(rows)
                    stream.flush()
            zf.writestr("datapackage.json", descriptor)

    return write


# --- Measuring -------------------------------------------------------------------------------


class _Counter(io.BytesIO):
    """A seekable output (as a file is) that keeps only its size."""


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc runs.")
    args = parser.parse_args()

    started = time.perf_counter()
    events, calls = make_events(args.events), make_calls(args.calls)
    print(f"{args.events:,} events and {args.calls:,} calls made in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    # The floors' material, prepared with the exporters' own code (not timed).
    csv_style = CellStyle(lang="fr", tz=PARIS, labels=True, decimal=",",
                          booleans=("oui", "non"), limit=32_767)  # fmt: skip
    package_style = CellStyle(lang="fr", tz=PARIS)
    csv_tables = [_rows(events, csv_style), _rows(calls, csv_style)]
    nodes = Nodes(Env.of(_ctx()), "urn:rrma:")
    graph = [node for e in events for node in event_nodes(e, nodes)]
    geo = GeoJsonExporter(GeoJsonOptions())
    features = json.loads(_export(geo, events).getvalue())["features"]
    package = _export(DataPackageExporter(DataPackageOptions()), [*events, *calls])
    with zipfile.ZipFile(package) as archive:
        descriptor = archive.read("datapackage.json")
    package_tables = []
    for name, records in (("events", events), ("calls", calls)):
        header, rows = _rows(records, package_style)
        package_tables.append((name, header, rows))
    with zipfile.ZipFile(package) as archive:
        text = archive.read("data/event-occurrences.csv").decode("utf-8")
    occ_rows = list(csv.reader(io.StringIO(text, newline="")))
    package_tables.insert(1, ("event-occurrences", occ_rows[0], occ_rows[1:]))

    cases: list[tuple[str, Callable[[IO[bytes]], Any], Callable[[IO[bytes]], Any]]] = [
        ("csv", _csv_export(events, calls), _csv_floor(csv_tables)),
        (
            "jsonld",
            lambda out: JsonLdExporter(JsonLdOptions()).export(events, out, _ctx()),
            _json_floor(b'{"@context": "https://schema.org", "@graph": [', graph),
        ),
        (
            "geojson",
            lambda out: geo.export(events, out, _ctx()),
            _json_floor(b'{"type": "FeatureCollection", "features": [', features),
        ),
        (
            "datapackage",
            lambda out: DataPackageExporter(DataPackageOptions()).export(
                [*events, *calls], out, _ctx()
            ),
            _zip_floor(package_tables, descriptor),
        ),
    ]
    print(f"{'format':<12} {'export':>9} {'floor':>9} {'ratio':>6} {'size':>8} "
          f"{'records/s':>10} {'peak export':>12} {'peak floor':>11}")  # fmt: skip
    for name, export, floor in cases:
        out = io.BytesIO()
        export(out)
        size = len(out.getvalue())
        export_time, floor_time = best_times(
            [lambda e=export: e(io.BytesIO()), lambda f=floor: f(io.BytesIO())],
            args.repeat,
            clock=time.process_time,  # CPU time: robust to a busy, shared machine
        )
        count = len(events) + (0 if name in ("jsonld", "geojson") else len(calls))
        line = (
            f"{name:<12} {export_time:>8.3f}s {floor_time:>8.3f}s "
            f"{export_time / floor_time:>5.2f}x {size / 2**20:>6.1f}MB "
            f"{count / export_time:>10,.0f}"
        )
        if not args.no_memory:
            peak_export = peak_mib(lambda e=export: e(Sink()))  # type: ignore[misc]
            peak_floor = peak_mib(lambda f=floor: f(Sink()))  # type: ignore[misc]
            line += f" {peak_export:>10.1f}MB {peak_floor:>9.1f}MB"
        print(line)


def _csv_export(events: list[Event], calls: list[CallForProjects]) -> Callable[[IO[bytes]], Any]:
    exporter = CsvExporter(CsvOptions())

    def write(out: IO[bytes]) -> None:
        exporter.export(events, out, _ctx())
        exporter.export(calls, out, _ctx())

    return write


def _export(exporter: Exporter[Any], records: Sequence[Record]) -> io.BytesIO:
    out = io.BytesIO()
    exporter.export(records, out, _ctx())
    out.seek(0)
    return out


if __name__ == "__main__":
    main()
