"""RSS benchmark: the ``rss`` connector against bare feedparser, on the same bytes, in one run.

A realistic RSS 2.0 feed of calls for projects is generated in memory (5,000 items by
default: title with an entity, link, guid, pubDate, dc:creator, two categories, and an
escaped-HTML description of about 600 bytes, in French, with a deadline, an amount, who may
apply, a relative link and an image). The script measures:

- feedparser: ``feedparser.parse(bytes)`` with its defaults (HTML sanitising and relative
  links on), what a first script would call;
- connector: ``rrma_rss.read_feed(bytes)`` (checks, DOCTYPE removal, feedparser with its
  own sanitising off, nh3 sanitising, reading deadlines, amounts, eligible actors, themes and
  SDGs) *and* the validation of every item into a ``CallForProjects`` record. No HTTP: both
  contestants parse the same bytes in memory, so the ratio compares parsing work only.

The two take turns, run after run, and the medians of their CPU times are compared (on a
shared machine, other processes stretch wall-clock times; the CPU time a process spends is
steadier); wall-clock times are printed too. It prints items per second, the ratio (target:
the connector within 1.2x of feedparser), and the peak memory of each (tracemalloc, in
separate runs so that its overhead does not skew the times).

Then it times the DOCTYPE defence: a 112 KB "quadratic blowup" feed (one 100 KB internal
entity referenced 4,000 times, which bare feedparser 6.0.14 expands to 400 MB) and a
billion-laughs feed, each read by the connector (target: well under a second).

    python benchmarks/bench_rss.py --items 5000 --runs 3
    python benchmarks/bench_rss.py --show-unsafe   # also bare feedparser on the blowup,
                                                   # in a subprocess capped at 2 GiB / 20 s
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import feedparser

from rrma_core.models import CallForProjects
from rrma_rss import RssOptions, read_feed

URL = "https://reseau.example.org/appels-a-projets/feed/"
_THEMES = [
    ("l'accès à l'eau potable et l'assainissement", "Eau et assainissement"),
    ("la sécurité alimentaire et l'agroécologie", "Agriculture"),
    ("l'éducation à la citoyenneté et à la solidarité internationale", "ECSI"),
    ("l'égalité femmes-hommes", "Genre"),
    ("la santé maternelle", "Santé"),
]
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin"]
_ACTORS = [
    "associations et collectivités territoriales",
    "associations, OSIM et établissements scolaires",
    "universités et laboratoires de recherche",
    "entreprises de l'ESS",
]


def make_feed(items: int) -> bytes:
    """A deterministic RSS 2.0 feed of ``items`` calls for projects (about 630 B each)."""
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        "<title>Appels à projets – Réseau régional</title>\n"
        "<link>https://reseau.example.org/</link>\n<language>fr-FR</language>\n"
        "<description>Les appels à projets relayés par le réseau</description>\n"
    ]
    for n in range(items):
        theme, category = _THEMES[n % len(_THEMES)]
        month = _MONTHS[n % len(_MONTHS)]
        amount = 5_000 * (1 + n % 10)
        published = start - timedelta(minutes=37 * n)
        html = (
            f"<p>La Région lance un appel à projets n°{n} pour soutenir les projets de "
            f"solidarité internationale portant sur {theme}.</p>"
            f"<p><strong>Date limite de dépôt : {1 + n % 28} {month} 2027 à 12h</strong>. "
            f"Subvention jusqu'à {amount:,} € ; taux de 80 % du budget.</p>".replace(",", "\u202f")
            + f"<p>Cet appel s'adresse aux {_ACTORS[n % len(_ACTORS)]}. "
            f'Voir le <a href="/aap/{n}/reglement.pdf">règlement</a>.</p>'
            f'<p><img src="/images/aap-{n}.jpg" alt=""></p>'
        )
        parts.append(
            "<item>\n"
            f"<title>Appel à projets Solidarité &amp; territoires n°{n}</title>\n"
            f"<link>https://reseau.example.org/aap/{n}/</link>\n"
            f'<guid isPermaLink="false">https://reseau.example.org/?p={10_000 + n}</guid>\n'
            f"<pubDate>{format_datetime(published)}</pubDate>\n"
            "<dc:creator>Service coopération</dc:creator>\n"
            f"<category>{category}</category>\n<category>Appels à projets</category>\n"
            f"<description>{escape(html)}</description>\n"
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


def quadratic_blowup() -> bytes:
    """112 KB: a 100 KB internal entity referenced 4,000 times (400 MB once expanded)."""
    refs = "&a;" * 4_000
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "'
        + "a" * 100_000
        + '">\n]>\n<rss version="2.0"><channel><title>Bombe</title>'
        + f"<item><title>{refs}</title><guid>1</guid></item></channel></rss>\n"
    ).encode()


def billion_laughs() -> bytes:
    """The classic: ten levels of ten references each (10^9 "lol" once expanded)."""
    lines = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        lines.append(f'<!ENTITY lol{level} "' + f"&lol{level - 1};" * 10 + '">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        + "\n".join(lines)
        + '\n]>\n<rss version="2.0"><channel><title>Rires</title>'
        + "<item><title>&lol9;</title><guid>1</guid></item></channel></rss>\n"
    ).encode()


OPTIONS = RssOptions(url=URL, funder="Région Auvergne-Rhône-Alpes")
PARIS = ZoneInfo("Europe/Paris")


def run_feedparser(body: bytes) -> int:
    return len(feedparser.parse(body).entries)


def run_connector(body: bytes) -> int:
    read = read_feed(body, url=URL, options=OPTIONS, timezone=PARIS)
    records = []
    for item in read.items:
        data = dict(item)
        data.pop("source_id")
        records.append(CallForProjects.parse(data))
    return len(records)


@dataclass
class Timing:
    """Medians of one contestant's runs: CPU time of this process, and wall-clock time."""

    cpu: float
    wall: float
    count: int


def timed(
    contestants: dict[str, Callable[[bytes], int]], body: bytes, runs: int
) -> dict[str, Timing]:
    """Time each contestant ``runs`` times, taking turns, so that both see the same load.

    CPU time (``time.process_time``) is the figure compared: other processes on a shared
    machine stretch wall-clock times, not the CPU this process spends.
    """
    for function in contestants.values():
        function(body)  # warm-up (imports, caches)
    cpu: dict[str, list[float]] = {name: [] for name in contestants}
    wall: dict[str, list[float]] = {name: [] for name in contestants}
    counts: dict[str, int] = {}
    for _ in range(runs):
        for name, function in contestants.items():
            gc.collect()
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            counts[name] = function(body)
            cpu[name].append(time.process_time() - started_cpu)
            wall[name].append(time.perf_counter() - started_wall)
    return {
        name: Timing(statistics.median(cpu[name]), statistics.median(wall[name]), counts[name])
        for name in contestants
    }


def peak_memory(function: Callable[[bytes], int], body: bytes) -> float:
    gc.collect()
    tracemalloc.start()
    function(body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def unsafe_blowup(seconds: int) -> str:
    """Bare feedparser on the quadratic blowup, in a capped subprocess."""
    code = (
        "import resource, time, feedparser, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))\n"
        "sys.path.insert(0, 'benchmarks')\n"
        "from bench_rss import quadratic_blowup\n"
        "t = time.perf_counter()\n"
        "d = feedparser.parse(quadratic_blowup())\n"
        "title = d.entries[0].get('title', '') if d.entries else ''\n"
        "print(f'{time.perf_counter() - t:.2f} s, title of {len(title) / 1e6:.0f} MB')\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=seconds
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {seconds} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"failed ({last})"
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show-unsafe", action="store_true")
    args = parser.parse_args(argv)

    body = make_feed(args.items)
    print(f"feed: {args.items} items, {len(body) / 2**20:.2f} MiB, median of {args.runs} runs")
    labels: dict[str, Callable[[bytes], int]] = {
        "feedparser.parse (defaults)": run_feedparser,
        "rss connector + validation": run_connector,
    }
    timings = timed(labels, body, args.runs)
    base, ours = timings.values()
    assert base.count == ours.count == args.items, (base.count, ours.count)
    for label, timing in timings.items():
        print(
            f"  {label:<30} {timing.cpu:7.3f} s CPU  {timing.count / timing.cpu:9,.0f} items/s"
            f"   ({timing.wall:.3f} s wall)"
        )
    ratio = ours.cpu / base.cpu
    verdict = "ok" if ratio <= 1.2 else "OVER TARGET"
    print(f"  ratio connector / feedparser (CPU): {ratio:.2f}x (target <= 1.2x: {verdict})")
    print("peak memory (tracemalloc, separate runs):")
    print(f"  feedparser.parse             {peak_memory(run_feedparser, body):7.1f} MiB")
    print(f"  rss connector + validation   {peak_memory(run_connector, body):7.1f} MiB")

    print("DOCTYPE defence (connector):")
    for label, hostile in (
        ("quadratic blowup", quadratic_blowup()),
        ("billion laughs", billion_laughs()),
    ):
        started = time.perf_counter()
        read = read_feed(hostile, url=URL, options=OPTIONS, timezone=PARIS)
        seconds = time.perf_counter() - started
        title = read.items[0]["title"]["fr"] if read.items else ""
        print(
            f"  {label:<18} {len(hostile) / 1024:6.0f} KB  {seconds * 1000:7.1f} ms  "
            f"title of {len(title)} characters (DOCTYPE removed: {read.removed_doctype})"
        )
    if args.show_unsafe:
        print(f"  bare feedparser, quadratic blowup: {unsafe_blowup(20)}")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
