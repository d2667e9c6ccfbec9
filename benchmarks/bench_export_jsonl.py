"""JSON Lines benchmark: the ``jsonl`` exporter against the json module's own serialisation.

Generates N events (default 10,000: venues with addresses and coordinates, bilingual titles,
descriptions, some all-day, some with several occurrences, some cancelled) and M calls for
projects (default 2,000: funders, amounts, eligible applicants, date and date-time
deadlines, some without one) in memory, then measures in the same run:

- export: ``JsonLinesExporter.export`` from the records to bytes (each record turned into
  JSON-ready data by pydantic, wrapped as ``{"type": ..., "record": ...}``, written);
- floor: ``json.dumps`` of the very same lines, prepared beforehand and not timed, encoded
  and written: the json module's own serialisation, which the exporter pays for each line
  (the issue's floor);
- and, for reference, pydantic's ``model_dump_json`` of each record (pydantic's own
  serialisation, in Rust, of the record part of the lines alone).

It prints the best of R runs of each (CPU time, taking turns), the ratios (target: within
2x of the floor), and the peak memory of each (tracemalloc, in separate runs so that its
overhead does not skew the times; the output goes to a sink that counts bytes).

    python benchmarks/bench_export_jsonl.py --events 10000 --calls 2000 --repeat 5
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

import _records
from _harness import Sink, arguments, best_times, peak_mib
from _records import export_context, make_calls

from rrma_core.connectors import Options
from rrma_core.models import Record
from rrma_jsonl import JsonLinesExporter


def _json_floor(lines: list[dict[str, Any]]) -> Callable[[IO[bytes]], Any]:
    def write(out: IO[bytes]) -> None:
        for line in lines:
            out.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))

    return write


def _pydantic_reference(records: Sequence[Record]) -> Callable[[IO[bytes]], Any]:
    def write(out: IO[bytes]) -> None:
        for record in records:
            out.write(record.model_dump_json().encode("utf-8"))

    return write


def main() -> None:
    """Run the benchmark and print its figures."""
    args = arguments(__doc__, repeat=5)

    started = time.perf_counter()
    records: list[Record] = [
        *_records.make_events(args.events, description=_records.PLAIN_DESCRIPTION),
        *make_calls(args.calls),
    ]
    print(f"{args.events:,} events and {args.calls:,} calls made in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    exporter = JsonLinesExporter(Options())
    # The floor's material: the very lines the exporter writes, as JSON-ready data (not timed).
    lines = [{"type": r.record_type, "record": r.model_dump(mode="json")} for r in records]
    out = io.BytesIO()
    exporter.export(records, out, export_context())
    floor_out = io.BytesIO()
    _json_floor(lines)(floor_out)
    assert out.getvalue() == floor_out.getvalue(), "the floor must write the same bytes"

    cases: list[tuple[str, Callable[[IO[bytes]], Any]]] = [
        ("export", lambda o: exporter.export(records, o, export_context())),
        ("floor (json.dumps)", _json_floor(lines)),
        ("pydantic model_dump_json", _pydantic_reference(records)),
    ]
    times = best_times(
        [lambda run=run: run(io.BytesIO()) for _, run in cases],  # type: ignore[misc]
        args.repeat,
        clock=time.process_time,  # CPU time: robust to a busy, shared machine
    )
    size = len(out.getvalue()) / 2**20
    print(f"{len(records):,} records, {size:.1f} MB, best of {args.repeat} (CPU time)")
    for (name, run), seconds in zip(cases, times, strict=True):
        line = f"  {name:<26} {seconds:7.3f}s  {len(records) / seconds:>9,.0f} records/s"
        if not args.no_memory:
            line += f"  peak {peak_mib(lambda run=run: run(Sink())):6.1f} MB"  # type: ignore[misc]
        print(line)
    print(f"ratio export / floor (json.dumps): {times[0] / times[1]:.2f}x (target: within 2x)")
    print(f"ratio export / pydantic model_dump_json: {times[0] / times[2]:.2f}x (reference)")


if __name__ == "__main__":
    main()
