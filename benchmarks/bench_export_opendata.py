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

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from typing import IO, Any

import _records
from _harness import Sink, arguments, best_times, peak_mib
from _records import PARIS, export_context, make_calls

from rrma_core.exporters import Exporter
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


def make_events(count: int) -> list[Event]:
    """The benchmark's ``count`` events (``_records.make_events``)."""
    return _records.make_events(count, description=_records.PLAIN_DESCRIPTION, tabular=True)


# --- The floors: the same output, prepared beforehand ----------------------------------------


def _rows(records: Sequence[Record], style: CellStyle) -> tuple[list[str], list[list[str]]]:
    """The header and rows the CSV exporter writes for ``records`` (one model)."""
    env = Env.of(export_context())
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
    args = arguments(__doc__, repeat=5)

    started = time.perf_counter()
    events, calls = make_events(args.events), make_calls(args.calls)
    print(f"{args.events:,} events and {args.calls:,} calls made in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    # The floors' material, prepared with the exporters' own code (not timed).
    csv_style = CellStyle(lang="fr", tz=PARIS, labels=True, decimal=",",
                          booleans=("oui", "non"), limit=32_767)  # fmt: skip
    package_style = CellStyle(lang="fr", tz=PARIS)
    csv_tables = [_rows(events, csv_style), _rows(calls, csv_style)]
    nodes = Nodes(Env.of(export_context()), "urn:rrma:")
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
            lambda out: JsonLdExporter(JsonLdOptions()).export(events, out, export_context()),
            _json_floor(b'{"@context": "https://schema.org", "@graph": [', graph),
        ),
        (
            "geojson",
            lambda out: geo.export(events, out, export_context()),
            _json_floor(b'{"type": "FeatureCollection", "features": [', features),
        ),
        (
            "datapackage",
            lambda out: DataPackageExporter(DataPackageOptions()).export(
                [*events, *calls], out, export_context()
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
        exporter.export(events, out, export_context())
        exporter.export(calls, out, export_context())

    return write


def _export(exporter: Exporter[Any], records: Sequence[Record]) -> io.BytesIO:
    out = io.BytesIO()
    exporter.export(records, out, export_context())
    out.seek(0)
    return out


if __name__ == "__main__":
    main()
