"""ICS benchmark: the ``ics`` connector against bare icalendar parsing of the same bytes.

It writes a calendar of N events (10,000 by default; a share of them weekly recurring
events, some with an EXDATE or a moved instance, unrolled within the default window), then
measures in one run:

- bare: ``icalendar.Calendar.from_ical(bytes)`` and ``walk("VEVENT")``, the floor any
  iCalendar reader pays;
- connector: the ``ics`` connector reading the same bytes from a file (no HTTP), parsing,
  unrolling recurrences and validating every item into an ``Event`` exactly as the engine
  does (``rrma_core.testing.run_connector``);
- hostile: the connector reading small calendars holding one hostile recurrence rule each
  (minutely since 1970, INTERVAL=0, an impossible date, hourly since 1900, a dense BY...
  set, an absurd COUNT), each beside one ordinary event.

It prints times (median of --repeat runs, bare and connector in turns, after a warm-up),
items per second, the ratio, peak memory (tracemalloc, in separate runs so that its overhead
does not skew the times) and the cost of each hostile rule. Targets: the connector within
1.5x of bare icalendar; each hostile rule under one second.

    python benchmarks/bench_ics.py --events 10000 --recurring 0.05
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar

from rrma_core.testing import ConnectorRun, run_connector
from rrma_ics import IcsConnector

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

TOWNS = [
    ("Cinéma Le Zola\\, 117 cours Émile Zola\\, 69100 Villeurbanne", "45.7666;4.8795"),
    ("Maison des Solidarités\\, 12 rue Mazenod\\, 69003 Lyon", "45.7597;4.8452"),
    ("Médiathèque Jean-Prévost\\, 2 place de la Mairie\\, 38400 Saint-Martin-d'Hères", ""),
    ("Maison de la Culture\\, 71 rue Abbé de l'Épée\\, 63000 Clermont-Ferrand", "45.7752;3.0794"),
    ("MJC Annecy-le-Vieux\\, 1 place des Rhododendrons\\, 74940 Annecy", "45.9196;6.1432"),
]
KINDS = ["Projection-débat", "Atelier ECSI", "Conférence", "Repas solidaire", "Exposition"]
TOPICS = ["souveraineté alimentaire", "accès à l'eau", "migrations", "commerce équitable"]
CATEGORIES = ["ALIMENTERRE,Agriculture", "Festisol,Eau potable", "ECSI,Formation", "Festisol"]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def make_calendar(events: int, recurring: float, seed: int = 2026) -> bytes:
    """A network's agenda: ``events`` VEVENTs, a share ``recurring`` of them weekly."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Réseau Coopération Solidaire AURA - ECPv6.8.2//NONSGML v1.0//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Agenda du réseau",
        *VTIMEZONE.splitlines(),
    ]
    weekly = set(rng.sample(range(events), int(events * recurring)))
    for n in range(events):
        start = now + timedelta(days=rng.randint(-20, 300))
        start = start.replace(hour=rng.choice([9, 14, 18, 20]))
        if n in weekly:
            start -= timedelta(days=60)  # a weekly event that began two months ago
        end = start + timedelta(hours=rng.choice([1, 2, 3]))
        place, geo = rng.choice(TOWNS)
        uid = f"{10000 + n}-{int(start.timestamp())}@www.reseau-coop-aura.example.org"
        summary = f"SUMMARY:{rng.choice(KINDS)} « {rng.choice(TOPICS)} » n°{n}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20261127T080000Z",
            f"DTSTART;TZID=Europe/Paris:{_stamp(start)}",
            f"DTEND;TZID=Europe/Paris:{_stamp(end)}",
            summary,
            "DESCRIPTION:Projection suivie d'un débat avec les associations du territoire\\, "
            "entrée libre.\\nRenseignements auprès du réseau.",
            f"LOCATION:{place}",
            *([f"GEO:{geo}"] if geo else []),
            f"CATEGORIES:{rng.choice(CATEGORIES)}",
            f"URL:https://www.reseau-coop-aura.example.org/agenda/evenement-{n}/",
            'ORGANIZER;CN="Réseau Coopération Solidaire AURA":MAILTO:agenda@reseau.example.org',
        ]
        if n in weekly:
            lines.append("RRULE:FREQ=WEEKLY")
            if n % 3 == 0:
                lines.append(f"EXDATE;TZID=Europe/Paris:{_stamp(start + timedelta(weeks=12))}")
        lines.append("END:VEVENT")
        if n in weekly and n % 4 == 0:  # one instance moved by a day
            moved = start + timedelta(weeks=14)
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "DTSTAMP:20261127T080000Z",
                f"RECURRENCE-ID;TZID=Europe/Paris:{_stamp(moved)}",
                f"DTSTART;TZID=Europe/Paris:{_stamp(moved + timedelta(days=1))}",
                f"DTEND;TZID=Europe/Paris:{_stamp(moved + timedelta(days=1, hours=2))}",
                summary,
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()


def _fold(line: str) -> str:
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, cut = [], 75
    while data:
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode())
        data, cut = data[cut:], 74
    return "\r\n ".join(parts)


HOSTILE = {
    "FREQ=MINUTELY since 1970": ("RRULE:FREQ=MINUTELY", "19700101T000000"),
    "FREQ=SECONDLY": ("RRULE:FREQ=SECONDLY", "20260101T090000"),
    "INTERVAL=0 (dateutil loops for ever)": ("RRULE:FREQ=MONTHLY;INTERVAL=0", "20261203T140000"),
    "February 30th, daily": ("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20261203T140000"),
    "FREQ=HOURLY since 1900": ("RRULE:FREQ=HOURLY", "19000101T000000"),
    "dense BY... set (535,680/year)": (
        "RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,"
        "11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55",
        "20200101T000000",
    ),
    "COUNT=1000000000": ("RRULE:FREQ=DAILY;COUNT=1000000000", "20261203T140000"),
    "UNTIL before DTSTART": ("RRULE:FREQ=WEEKLY;UNTIL=20200101T000000Z", "20261203T140000"),
}


def hostile_calendar(rule: str, start: str) -> bytes:
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//bench//FR",
            "BEGIN:VEVENT",
            "UID:hostile@bench",
            f"DTSTART;TZID=Europe/Paris:{start}",
            "SUMMARY:Règle hostile",
            rule,
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:ordinaire@bench",
            "DTSTART;TZID=Europe/Paris:20261203T140000",
            "SUMMARY:Atelier ordinaire",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    return (text + "\r\n").encode()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def interleaved(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[float, float, Any, Any]:
    """Median times of ``first`` and ``second``, run in turns after a warm-up of each (so
    that a machine getting busier or quieter weighs on both alike), and their results."""
    first(), second()
    times_a, times_b = [], []
    result_a = result_b = None
    for _ in range(repeat):
        elapsed, result_a = timed(first)
        times_a.append(elapsed)
        elapsed, result_b = timed(second)
        times_b.append(elapsed)
    return statistics.median(times_a), statistics.median(times_b), result_a, result_b


def peak_memory(run: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--recurring", type=float, default=0.05, help="share of weekly events")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "agenda.ics"
        data = make_calendar(args.events, args.recurring)
        path.write_bytes(data)
        print(
            f"calendar: {args.events} events, {args.recurring:.0%} weekly recurring, "
            f"{len(data) / 1e6:.1f} MB"
        )

        def bare() -> int:
            return len(icalendar.Calendar.from_ical(data).walk("VEVENT"))

        def connector() -> ConnectorRun:
            return run_connector(IcsConnector, {"path": str(path)})

        bare_time, ics_time, vevents, run = interleaved(bare, connector, args.repeat)
        occurrences = sum(len(r.occurrences) for r in run.records)
        print(f"  bare icalendar  {bare_time:7.2f} s  {vevents / bare_time:9,.0f} VEVENT/s")
        print(
            f"  ics connector   {ics_time:7.2f} s  {vevents / ics_time:9,.0f} VEVENT/s  "
            f"{len(run.records) / ics_time:9,.0f} events/s  "
            f"{occurrences / ics_time:9,.0f} occurrences/s"
        )
        print(
            f"  -> {len(run.records)} events, {occurrences} occurrences, {len(run.skipped)} skipped"
        )
        ratio = ics_time / bare_time
        print(f"connector vs bare icalendar: {ratio:4.2f}x   (target <= 1.5x)")
        bare_peak = peak_memory(bare)
        ics_peak = peak_memory(connector)
        print(
            f"peak memory: bare {bare_peak / 1e6:.0f} MB, connector {ics_peak / 1e6:.0f} MB "
            f"({ics_peak / bare_peak:.2f}x)"
        )

        print("hostile recurrence rules (each beside one ordinary event; target < 1 s):")
        worst = 0.0
        for label, (rule, start) in HOSTILE.items():
            hostile = Path(folder) / "hostile.ics"
            hostile.write_bytes(hostile_calendar(rule, start))
            started = time.perf_counter()
            result = run_connector(IcsConnector, {"path": str(hostile)})
            elapsed = time.perf_counter() - started
            worst = max(worst, elapsed)
            reason = result.skipped[0].reason if result.skipped else "(not refused)"
            print(f"  {label:<38} {elapsed * 1000:7.1f} ms  {reason[:70]}")
        print(f"worst hostile rule: {worst * 1000:.1f} ms   (target < 1000 ms)")


if __name__ == "__main__":
    main()
