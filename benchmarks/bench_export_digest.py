"""Digest benchmark: the ``digest`` exporter against a bare Jinja2 rendering of the same items.

It makes N events (10,000 by default, all within the four weeks the digest shows, in 15
départements, on the quarter hour, some all-day, some online, some cancelled, a third with
HTML descriptions) and M calls for projects (2,000, deadlines over the next six months, some
with a time), then measures in one run, after a warm-up, --repeat pairs of runs (the floor, then the
digest) for each format:

- floor: what any digest pays, done as plainly as possible: read each record's fields (no
  formatting, no sanitising), sort calls and events by raw date, and render them with a
  bare Jinja2 template (autoescaped, streamed to a buffer) that writes the same table
  layout and inline styles as the digest's HTML, so that both outputs are of about the same
  size;
- digest html / markdown / text: ``DigestExporter.export`` into a buffer, exactly as
  ``ws.export`` calls it (choice, sorting, grouping by week and département, French
  wording, descriptions cut or sanitised with nh3, templates).

It prints times (CPU time of the process, steadier than wall-clock time on a busy
machine), items per second, output sizes, the ratio to the floor (the median of the ratios
of each pair; target: within 2x) and peak memory (tracemalloc, in separate runs so that its
overhead does not skew times; the output goes to a stream that discards it, so the figure
is the exporter's working memory).

    python benchmarks/bench_export_digest.py --events 10000 --calls 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment

from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, Record
from rrma_digest import DigestExporter

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=PARIS)

COMMUNES = ["69123", "69266", "01053", "38185", "21231", "43157", "42218", "63113", "15014",
            "73065", "26362", "03190", "74010", "07186", "75056"]  # fmt: skip
KINDS = ["projection-debat", "rencontre", "conference", "workshop", "school-activity", "other"]
WORDS = [
    "solidarité", "coopération", "internationale", "ECSI", "jeunesse", "alimentation", "eau",
    "climat", "migrations", "agriculture", "égalité", "commerce", "équitable", "citoyenneté",
    "Sahel", "Madagascar", "festival", "débat", "projection", "atelier", "rencontre",
]  # fmt: skip


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_records(n_events: int, n_calls: int, seed: int = 1) -> list[Record]:
    """Realistic-sized records, validated like synced ones."""
    rng = random.Random(seed)
    records: list[Record] = []
    for i in range(n_calls):
        deadline: date | datetime = NOW.date() + timedelta(days=rng.randint(0, 180))
        if i % 5 == 0:
            deadline = datetime.combine(deadline, datetime.min.time(), PARIS).replace(hour=12)
        records.append(
            CallForProjects(
                id=f"call-{i}",
                title=f"Appel à projets {sentence(rng, 6)} {i}",
                funders=[{"name": f"Fondation {sentence(rng, 2)}"}],
                description=sentence(rng, 60),
                url=f"https://funder.example.org/appels/{i}",
                deadline=deadline,
                amount={"min": 1000 * rng.randint(1, 5), "max": 1000 * rng.randint(6, 50)},
            )
        )
    for i in range(n_events):
        # On the quarter hour, as agendas give times.
        start = NOW + timedelta(minutes=15 * rng.randint(0, 27 * 24 * 4))
        occurrence: dict[str, Any]
        if i % 10 == 0:  # all day
            occurrence = {"start": start.date().isoformat()}
        else:
            occurrence = {"start": start.isoformat(),
                          "end": (start + timedelta(hours=2)).isoformat()}  # fmt: skip
        online = i % 25 == 0
        description = sentence(rng, 50)
        if i % 3 == 0:
            link = f"<a href='https://x.example/{i}'>lien</a>"
            description = f"<p>{description}</p><p><b>{sentence(rng, 5)}</b> {link}</p>"
        records.append(
            Event(
                id=f"event-{i}",
                title=f"{sentence(rng, 5).capitalize()} {i}",
                description=description,
                occurrences=[occurrence],
                venue=None
                if online
                else {
                    "name": f"Salle {sentence(rng, 2)}",
                    "address": {"commune": rng.choice(COMMUNES), "city": "Ville"},
                },
                attendance_mode="online" if online else "offline",
                online_url=f"https://visio.example.org/{i}" if online else None,
                event_kind=rng.choice(KINDS),
                organisers=[{"name": f"Association {sentence(rng, 2)}"}],
                status="cancelled" if i % 50 == 0 else "scheduled",
                url=f"https://agenda.example.org/evenements/{i}",
            )
        )
    return records


FLOOR_TEMPLATE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body style="{{ s.body }}"><table role="presentation" width="600" style="{{ s.page }}">
<tr><td style="{{ s.section }}"><h2 style="{{ s.h2 }}">Appels à projets</h2></td></tr>
{% for c in calls %}<tr><td style="{{ s.item }}">
<p style="{{ s.title }}"><a href="{{ c.url }}" style="{{ s.link }}">{{ c.title }}</a></p>
<p style="{{ s.meta }}">{{ c.deadline }} —
<strong style="{{ s.strong }}">{{ c.funders }}</strong></p>
<p style="{{ s.detail }}">{{ c.amount }}</p>
<div style="{{ s.text }}">{{ c.description }}</div>
</td></tr>
{% endfor %}<tr><td style="{{ s.section }}"><h2 style="{{ s.h2 }}">Agenda</h2></td></tr>
{% for e in events %}<tr><td style="{{ s.item }}">
<p style="{{ s.title }}"><a href="{{ e.url }}" style="{{ s.link }}">{{ e.title }}</a></p>
<p style="{{ s.meta }}">{{ e.start }} {{ e.departement }}</p>
<p style="{{ s.detail }}">{{ e.place }} · {{ e.kind }}</p>
<p style="{{ s.detail }}">{{ e.organisers }}</p>
<div style="{{ s.text }}">{{ e.description }}</div>
</td></tr>
{% endfor %}</table></body></html>
"""
FONT = "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;"
STYLES = {
    "body": "margin:0;padding:0;background-color:#f3f4f6;",
    "page": "width:600px;max-width:600px;background-color:#ffffff;" + FONT,
    "section": "padding:24px 24px 4px 24px;" + FONT,
    "h2": "margin:0;padding:0 0 6px 0;font-size:20px;line-height:26px;font-weight:bold;"
    "color:#0f3d5e;border-bottom:2px solid #0f3d5e;" + FONT,
    "item": "padding:12px 24px 12px 24px;border-bottom:1px solid #e5e7eb;"
    "word-break:break-word;" + FONT,
    "title": "margin:0 0 4px 0;font-size:16px;line-height:22px;font-weight:bold;"
    "color:#111827;" + FONT,
    "link": "color:#0b5cad;text-decoration:underline;",
    "meta": "margin:0 0 4px 0;font-size:14px;line-height:20px;color:#374151;" + FONT,
    "detail": "margin:0 0 4px 0;font-size:13px;line-height:18px;color:#4b5563;" + FONT,
    "strong": "color:#0f3d5e;font-weight:bold;",
    "text": "margin:6px 0 0 0;font-size:14px;line-height:20px;color:#1f2937;" + FONT,
}


def floor(records: list[Record], out: io.BytesIO) -> int:
    """The bare minimum: raw fields, sorted by raw date, through a bare Jinja2 template."""
    env = Environment(autoescape=True)
    template = env.from_string(FLOOR_TEMPLATE)
    calls: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for r in records:
        if isinstance(r, CallForProjects):
            calls.append({
                "title": r.title.get("fr"), "url": r.url, "deadline": r.deadline,
                "funders": ", ".join(str(f) for f in r.funders),
                "amount": r.amount.model_dump() if r.amount else "",
                "description": r.description.get("fr")[:280] if r.description else "",
                "key": str(r.deadline),
            })  # fmt: skip
        elif isinstance(r, Event):
            events.append({
                "title": r.title.get("fr"), "url": r.url, "start": r.start,
                "departement": r.departement, "kind": r.event_kind.value,
                "place": r.venue.name if r.venue else "",
                "organisers": ", ".join(str(o) for o in r.organisers),
                "description": r.description.get("fr")[:280] if r.description else "",
                "key": r.occurrences[0].sort_key,
            })  # fmt: skip
    calls.sort(key=lambda c: c["key"])
    events.sort(key=lambda e: e["key"])
    buffer: list[str] = []
    for chunk in template.generate(title="Lettre", calls=calls, events=events, s=STYLES):
        buffer.append(chunk)
        if len(buffer) > 2000:
            out.write("".join(buffer).encode())
            buffer.clear()
    out.write("".join(buffer).encode())
    return len(calls) + len(events)


def digest(fmt: str) -> Callable[[list[Record], io.BytesIO], int]:
    exporter = DigestExporter(DigestExporter.parse_options({"format": fmt}))
    ctx = ExportContext(workspace="Réseau de démonstration", timezone=PARIS, now=NOW)

    def run(records: list[Record], out: io.BytesIO) -> int:
        return exporter.export(records, out, ctx)

    return run


Runner = Callable[[list[Record], io.BytesIO], int]


def timed(run: Runner, records: list[Record]) -> float:
    """CPU seconds of one run, into a fresh buffer."""
    out = io.BytesIO()
    gc.collect()
    started = time.process_time()
    run(records, out)
    return time.process_time() - started


def measure(
    floor_run: Runner, runners: dict[str, Runner], records: list[Record], repeat: int
) -> tuple[list[float], dict[str, tuple[list[float], list[float], int, int]]]:
    """The floor's times, and for each runner: its times, its ratios to the floor run just
    before it (pairs close in time resist a machine's changing load), items and bytes."""
    results = {}
    for run in (floor_run, *runners.values()):  # warm-up (template compilation, caches)
        run(records, io.BytesIO())
    floors: list[float] = []
    for name, run in runners.items():
        out = io.BytesIO()
        count = run(records, out)
        times, ratios = [], []
        for _ in range(repeat):
            base = timed(floor_run, records)
            seconds = timed(run, records)
            floors.append(base)
            times.append(seconds)
            ratios.append(seconds / base)
        results[name] = (times, ratios, count, len(out.getvalue()))
    return floors, results


class Discard(io.BytesIO):
    """A stream that forgets what it is given: peak memory without the output itself."""

    def write(self, data: Any) -> int:
        return len(data)


def peak_memory(run: Callable[[list[Record], io.BytesIO], int], records: list[Record]) -> int:
    """Peak bytes allocated while running, the output (written to a discarding stream) aside."""
    gc.collect()
    tracemalloc.start()
    try:
        run(records, Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    records = make_records(args.events, args.calls)
    print(f"{args.events:,} events and {args.calls:,} calls made and validated in "
          f"{time.perf_counter() - started:.2f} s\n")  # fmt: skip

    runners = {
        "digest html": digest("html"),
        "digest markdown": digest("markdown"),
        "digest text": digest("text"),
    }
    floors, results = measure(floor, runners, records, args.repeat)
    out = io.BytesIO()
    floor_count, floor_size = floor(records, out), len(out.getvalue())
    print(f"{'':22} {'median':>9} {'items/s':>10} {'items':>7} {'output':>9} {'ratio':>6}")
    base = statistics.median(floors)
    print(f"{'floor (bare Jinja2)':22} {base:8.3f}s {floor_count / base:10,.0f} "
          f"{floor_count:7,} {floor_size / 1e6:7.1f}MB {1:5.2f}x")  # fmt: skip
    for name, (times, ratios, count, size) in results.items():
        seconds = statistics.median(times)
        print(f"{name:22} {seconds:8.3f}s {count / seconds:10,.0f} {count:7,} "
              f"{size / 1e6:7.1f}MB {statistics.median(ratios):5.2f}x")  # fmt: skip
    print("(ratio: the median of the ratios of each run to the floor run just before it)")

    print("\npeak memory (tracemalloc, separate runs; neither the records nor the output):")
    for name, run in {"floor (bare Jinja2)": floor, **runners}.items():
        print(f"{name:22} {peak_memory(run, records) / 1e6:8.1f} MB")


if __name__ == "__main__":
    main()
