"""ICS agenda benchmark: the ``ics`` exporter against icalendar's own serialisation.

Generates N events (default 10,000: HTML descriptions, venues in mainland France, Guyane and
La Réunion, some all-day, some with several occurrences, some cancelled) and M calls for
projects (default 2,000, which the exporter leaves out: an agenda holds events) in memory,
then measures in the same run:

- export: ``IcsExporter.export`` from the records to bytes (zones, texts, VEVENTs, writing);
- floor: ``Calendar.to_ical()`` of a calendar already holding the very same VTIMEZONE and
  VEVENT components (built beforehand, not timed): the cost of icalendar's serialisation
  alone, which any icalendar-based exporter pays.

It prints the best of R runs of each (CPU time, which other processes on the machine do not
inflate, and wall-clock time), their ratio (target: within 2x of the floor) and the peak memory
of each (tracemalloc, in separate runs so that its overhead does not skew the
times).

    python benchmarks/bench_export_agenda.py --events 10000 --calls 2000 --repeat 3
"""

from __future__ import annotations

import gc
import io
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from _harness import arguments
from icalendar import Calendar

from rrma_agenda import IcsExporter, IcsOptions
from rrma_agenda._exporter import _entries, _EventWriter, _vtimezones
from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event, Record

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
VENUES = [
    {"name": "Cinéma Le Zola", "address": {"street": "117 cours Émile-Zola",
     "postal_code": "69100", "city": "Villeurbanne", "commune": "69266"},
     "coordinates": {"lat": 45.769, "lon": 4.8832}},
    {"name": "Médiathèque Franconie", "address": {"street": "1 avenue Gustave-Charlery",
     "postal_code": "97300", "city": "Cayenne", "commune": "97302"}},
    {"name": "Cité des arts", "address": {"street": "23 rue Élie-Wiesel",
     "postal_code": "97400", "city": "Saint-Denis", "commune": "97411"},
     "coordinates": {"lat": -20.8789, "lon": 55.4481}},
]  # fmt: skip
DESCRIPTION = (
    "<p>Projection du documentaire suivie d'un débat avec une paysanne sénégalaise et "
    "Terre et Partage Rhône.</p><ul><li>Awa Ndiaye, productrice ;</li><li>l'équipe de "
    "Terre et Partage Rhône.</li></ul><p>Entrée libre, <strong>sur réservation</strong>.</p>"
)


def make_events(count: int) -> list[Event]:
    """``count`` events spread over 2027, in three zones, a tenth all-day, a tenth twice."""
    events = []
    for n in range(count):
        start = datetime(2027, 1, 4, 18, 30, tzinfo=PARIS) + timedelta(hours=7 * n)
        occurrences: list[dict[str, object]]
        if n % 10 == 3:
            occurrences = [{"start": start.date(), "end": start.date() + timedelta(days=2)}]
        else:
            occurrences = [{"start": start, "end": start + timedelta(hours=2)}]
            if n % 10 == 7:
                later = start + timedelta(days=7)
                occurrences.append({"start": later, "end": later + timedelta(hours=2)})
        events.append(
            Event(
                id=f"bench-event-{n:05d}",
                title={
                    "fr": f"Projection-débat « Semences de résistance » n°{n}",
                    "en": f"Screening and debate no. {n}",
                },
                description=DESCRIPTION,
                occurrences=occurrences,
                venue=VENUES[n % len(VENUES)],
                organisers=[{"name": "Terre et Partage Rhône"}, {"name": "RESACOOP"}],
                event_kind="projection-debat",
                audiences=["general-public"],
                price={"amount": 6.5, "text": "6,50 € / 4,50 € tarif réduit"},
                status="cancelled" if n % 50 == 0 else "scheduled",
                themes=["agriculture", "eau-environnement"],
                keywords=["alimenterre", "semences paysannes"],
                url=f"https://resacoop.example/agenda/{n}",
                created_at=STAMP,
                updated_at=STAMP + timedelta(minutes=n % 90),
            )
        )
    return events


def make_calls(count: int) -> list[CallForProjects]:
    """``count`` calls for projects (the exporter skips them)."""
    return [
        CallForProjects(
            id=f"bench-call-{n:05d}",
            title=f"Appel à projets Solidarité internationale n°{n}",
            funders=[{"name": "Région Auvergne-Rhône-Alpes"}],
            deadline=date(2027, 1, 1) + timedelta(days=n % 300),
            created_at=STAMP,
            updated_at=STAMP,
        )
        for n in range(count)
    ]


def context() -> ExportContext:
    return ExportContext(workspace="RESACOOP", timezone=PARIS, lang="fr", now=STAMP)


def prepared_calendar(events: list[Event]) -> Calendar:
    """The calendar the exporter writes, as icalendar components (the floor's input)."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//RRMA//rrma_core agenda//FR")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "RESACOOP")
    entries = sorted(_entries(events, PARIS), key=lambda e: e.key)
    for definition in _vtimezones(entries):
        calendar.add_component(Calendar.from_ical(definition))
    writer = _EventWriter("fr", "resacoop.org")
    for entry in entries:
        calendar.add_component(writer.vevent(entry))
    return calendar


class _Sink:
    """A binary stream that forgets what it is given (a file's memory, not a buffer's)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def best_time(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best CPU time and the best wall-clock time of ``repeat`` runs.

    The ratio is taken on CPU time (this process's own), which other processes sharing the
    machine do not inflate; wall-clock time is printed beside it.
    """
    cpu, wall = [], []
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return min(cpu), min(wall)


def peak_memory(run: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    args = arguments(__doc__, repeat=3, memory=False)

    events = make_events(args.events)
    records: list[Record] = [*events, *make_calls(args.calls)]
    exporter = IcsExporter(IcsOptions(domain="resacoop.org"))
    written: dict[str, bytes] = {}

    def export() -> None:
        out = io.BytesIO()
        exporter.export(records, out, context())
        written["export"] = out.getvalue()

    def export_to_sink() -> None:
        exporter.export(records, _Sink(), context())  # type: ignore[arg-type]

    # The export is timed before the floor's calendar exists: millions of prepared
    # icalendar objects in memory would slow its garbage collections and bias the ratio.
    export()  # warm the caches (VTIMEZONE generation) once, as a long-running process has
    export_time = best_time(export, args.repeat)
    export_peak = peak_memory(export_to_sink)  # as when writing to a file: output not kept

    calendar = prepared_calendar(events)

    def floor() -> None:
        written["floor"] = calendar.to_ical()

    floor_time = best_time(floor, args.repeat)
    floor_peak = peak_memory(floor)  # what serialising allocates, the calendar excluded
    vevents = written["export"].count(b"BEGIN:VEVENT")
    ours, theirs = written["export"], written["floor"]
    same = ours[ours.index(b"BEGIN:VEVENT") :] == theirs[theirs.index(b"BEGIN:VEVENT") :]
    assert same, "the floor's calendar does not hold the same VEVENTs"
    size = len(written["export"])

    print(f"{args.events} events ({vevents} VEVENTs) + {args.calls} calls, best of {args.repeat}")
    print(f"  output:            {size / 1e6:.1f} MB")
    for label, (cpu, wall), peak in (
        ("export (ics)", export_time, export_peak),
        ("floor (to_ical)", floor_time, floor_peak),
    ):
        times = f"{cpu:6.2f} s CPU ({wall:6.2f} s wall)"
        print(f"  {label + ':':18} {times}   peak {peak / 1e6:6.1f} MB")
    ratio = export_time[0] / floor_time[0]
    print(f"  ratio:             {ratio:6.2f}x CPU time (target: within 2x)")


if __name__ == "__main__":
    main()
