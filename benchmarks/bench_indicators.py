"""Indicators benchmark: SQL on SQLite and PostgreSQL against pandas, on the same data, in one run.

The script writes N actors (with their countries, sectors and SDGs as ``record_terms`` rows)
and M event occurrences (events of 1 to 9 occurrences, campaign editions, kinds, venues, 1 %
cancelled) straight into the tables, with bulk inserts (``executemany`` on SQLite, ``COPY``
on PostgreSQL), not through ``Workspace.add``. Then, for each indicator, it measures:

- SQLite: ``compute(ws, key, ...)``, the whole public path (SQL, labels, DataFrame), on the
  workspace's own SQLite file;
- PostgreSQL: the same, in a schema of its own on the server named by
  ``RRMA_TEST_POSTGRES_URL`` (or ``--postgres``), dropped at the end; skipped without one;
- pandas: the same grouping on the same rows already loaded into DataFrames (the load is timed
  separately), and checks that it gives the same numbers as SQL.

Each time is the median of ``--repeat`` runs after a warm-up run. Target: every indicator in
about a second for 100,000 actors and 1,000,000 occurrences.

    python benchmarks/bench_indicators.py --actors 100000 --occurrences 1000000

Figures of one run on the project's 2-core machine, shared with other jobs at the time
(load average about 2), SQLite 3.40, PostgreSQL 15, pandas 3.1; 100,000 actors with 590,401
terms, 200,047 events with 1,000,000 occurrences; median of 3 runs:

    indicator                          SQLite   PostgreSQL   pandas   SQLite/pandas
    actors.by_type                     0.09 s     0.06 s     0.01 s       7.6x
    actors.by_country                  0.50 s     0.44 s     0.22 s       2.3x
    actors.by_continent                0.64 s     0.47 s     0.33 s       1.9x
    actors.by_sdg                      0.48 s     0.50 s     0.22 s       2.2x
    events.by_kind 2026                1.06 s     0.25 s     0.34 s       3.1x
    events.by_campaign                 0.52 s     0.15 s     0.71 s       0.7x
    events.by_month 2026               1.61 s     0.39 s     0.97 s       1.7x
    events.occurrences_by_month 2026   1.09 s     0.25 s     0.99 s       1.1x
    events.by_month (all time)         1.63 s     0.97 s     2.44 s       0.7x

pandas times leave out loading the tables into DataFrames (7.0 s); SQL times include
everything from the query to the labelled DataFrame. Loading the data took 40 s on SQLite
and 32 s on PostgreSQL. The numbers of all three agree (the script checks it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from rrma_core import Workspace
from rrma_core.indicators import CONTINENT_OF, compute

PARIS = ZoneInfo("Europe/Paris")
TYPES = ["association"] * 6 + ["local-authority", "school", "university", "ess-enterprise",
                               "public-body", "osim", "foundation", "network", "other"]  # fmt: skip
KINDS = ["projection-debat"] * 4 + ["school-activity"] * 2 + ["conference", "workshop",
                                                             "rencontre", "other"]  # fmt: skip
SECTORS = ["sante", "education", "eau", "assainissement", "agriculture", "economie",
           "appui-institutionnel", "culture", "ecsi", "genre", "developpement-urbain"]  # fmt: skip
COUNTRIES = sorted(CONTINENT_OF)
FAVOURITES = ["SN", "ML", "BF", "MA", "MG", "BJ", "HT", "CM", "TG", "NE", "VN", "FR", "DE"]
#: (département, région) pairs: the networks' own regions are the busiest.
PLACES = [("69", "84"), ("38", "84"), ("42", "84"), ("63", "84"), ("45", "24"),
          ("37", "24"), ("33", "75"), ("59", "32"), ("14", "28"), ("35", "53"),
          ("31", "76"), ("67", "44"), ("44", "52"), ("21", "27")]  # fmt: skip
STAMP = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Data:
    """The rows of each table, as tuples in the order of ``COLUMNS``."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    occurrences: list[tuple[str, int, datetime, datetime, bool]] = field(default_factory=list)


COLUMNS = {
    "records": ("id", "record_type", "data", "content_hash", "created_at", "updated_at",
                "withdrawn_at", "title", "category", "start_at", "end_at", "departement",
                "region", "campaign_edition"),
    "record_terms": ("record_id", "facet", "code"),
    "occurrences": ("record_id", "seq", "start_at", "end_at", "all_day"),
}  # fmt: skip


def generate(actors: int, occurrences: int, seed: int = 2026) -> Data:
    """Deterministic realistic rows: ``actors`` actors and ``occurrences`` event dates."""
    rng = random.Random(seed)
    data = Data()
    for number in range(actors):
        rid = f"actor-{number:07d}"
        place = rng.choice(PLACES) if rng.random() > 0.05 else (None, None)
        data.records.append(
            (rid, "actor", "{}", "-", STAMP, STAMP, None, f"Acteur {number}",
             rng.choice(TYPES), None, None, place[0], place[1], None)
        )  # fmt: skip
        countries = {
            rng.choice(FAVOURITES) if rng.random() < 0.7 else rng.choice(COUNTRIES)
            for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))
        }
        data.terms += [(rid, "country", c) for c in countries]
        data.terms += [(rid, "theme", s) for s in rng.sample(SECTORS, rng.choice((0, 1, 1, 2)))]
        sdgs = rng.sample(range(1, 18), rng.choice((0, 1, 2, 3)))
        data.terms += [(rid, "sdg", str(s)) for s in sdgs]
    number = 0
    while len(data.occurrences) < occurrences:
        rid = f"event-{number:07d}"
        number += 1
        year = rng.choice((2024, 2025, 2026))
        campaign = rng.random()
        if campaign < 0.4:
            edition, first = f"alimenterre-{year}", datetime(year, 10, 15, tzinfo=PARIS)
        elif campaign < 0.7:
            edition, first = f"festisol-{year}", datetime(year, 11, 13, tzinfo=PARIS)
        else:
            edition, first = None, datetime(year, 1, 1, tzinfo=PARIS)
        span = 46 if edition else 364
        start = first + timedelta(days=rng.randrange(span), hours=rng.randrange(8, 22))
        count = min(rng.randint(1, 9), occurrences - len(data.occurrences))
        dates = [start + timedelta(days=7 * i) for i in range(count)]
        place = rng.choice(PLACES) if rng.random() > 0.03 else (None, None)
        data.records.append(
            (rid, "event", "{}", "-", STAMP, STAMP, None, f"Événement {number}",
             rng.choice(KINDS), dates[0], dates[-1] + timedelta(hours=2), place[0], place[1],
             edition)
        )  # fmt: skip
        status = "cancelled" if rng.random() < 0.01 else "scheduled"
        data.terms.append((rid, "status", status))
        data.occurrences += [
            (rid, seq, day, day + timedelta(hours=2), False) for seq, day in enumerate(dates)
        ]
    return data


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def load_sqlite(ws: Workspace, data: Data) -> None:
    """``executemany`` of every row, date-times in SQLAlchemy's SQLite text format."""

    def cell(value: Any) -> Any:
        value = _naive_utc(value)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value

    raw = ws.store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # A bulk load of rows known to be consistent: no foreign-key check per row, a big cache.
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.execute("BEGIN")
        for table, rows in (("records", data.records), ("record_terms", data.terms),
                            ("occurrences", data.occurrences)):  # fmt: skip
            columns = COLUMNS[table]
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cursor.executemany(sql, ([cell(v) for v in row] for row in rows))
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-2000")
        cursor.close()
    finally:
        raw.close()


def load_postgres(ws: Workspace, data: Data) -> None:
    """``COPY`` of every row (psycopg 3)."""
    raw = ws.store.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            for table, rows in (("records", data.records), ("record_terms", data.terms),
                                ("occurrences", data.occurrences)):  # fmt: skip
                with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_naive_utc(v) for v in row])
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


#: The indicators timed: (label, key, period).
CASES: list[tuple[str, str, int | None]] = [
    ("actors.by_type", "actors.by_type", None),
    ("actors.by_country", "actors.by_country", None),
    ("actors.by_continent", "actors.by_continent", None),
    ("actors.by_sdg", "actors.by_sdg", None),
    ("events.by_kind 2026", "events.by_kind", 2026),
    ("events.by_campaign", "events.by_campaign", None),
    ("events.by_month 2026", "events.by_month", 2026),
    ("events.occurrences_by_month 2026", "events.occurrences_by_month", 2026),
    ("events.by_month (all time)", "events.by_month", None),
]


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``run()`` over ``repeat`` runs after a warm-up, and its result."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def as_dict(df: Any) -> dict[Any, int]:
    """An indicator frame as ``{first dimension: value}`` (missing as ``None``)."""
    dimension = df.columns[0]
    return {
        (None if pd.isna(k) else k): int(v) for k, v in zip(df[dimension], df["value"], strict=True)
    }


# --- the same groupings in pandas ----------------------------------------------------------------


class Frames:
    """The tables as DataFrames, and each indicator's grouping on them."""

    def __init__(self, ws: Workspace) -> None:
        engine = ws.store.engine
        self.records = pd.read_sql(
            "SELECT id, record_type, category, departement, region, campaign_edition, "
            "withdrawn_at FROM records",
            engine,
        )
        self.terms = pd.read_sql("SELECT record_id, facet, code FROM record_terms", engine)
        self.occurrences = pd.read_sql(
            "SELECT record_id, start_at FROM occurrences", engine, parse_dates=["start_at"]
        )
        self.actors = self.records[
            (self.records["record_type"] == "actor") & self.records["withdrawn_at"].isna()
        ]
        cancelled = self.terms[
            (self.terms["facet"] == "status") & (self.terms["code"] == "cancelled")
        ]
        events = self.records[
            (self.records["record_type"] == "event") & self.records["withdrawn_at"].isna()
        ]
        self.events = events[~events["id"].isin(cancelled["record_id"])]

    @staticmethod
    def counts(series: Any) -> dict[Any, int]:
        return {(None if pd.isna(k) else k): int(v) for k, v in series.items()}

    def by_column(self, frame: Any, column: str) -> dict[Any, int]:
        return self.counts(frame.groupby(column, dropna=False).size())

    def by_facet(self, facet: str, group: Callable[[Any], Any] | None = None) -> dict[Any, int]:
        terms = self.terms[self.terms["facet"] == facet]
        terms = terms[terms["record_id"].isin(self.actors["id"])]
        if group is None:
            found = self.counts(terms.groupby("code").size())
        else:
            pairs = terms.assign(code=group(terms["code"]))[["record_id", "code"]]
            found = self.counts(pairs.drop_duplicates().groupby("code").size())
        missing = int((~self.actors["id"].isin(terms["record_id"])).sum())
        if missing:
            found[None] = missing
        return found

    def window(self, year: int | None) -> Any:
        occurrences = self.occurrences
        if year is not None:
            low = datetime(year, 1, 1, tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)
            high = datetime(year + 1, 1, 1, tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)
            occurrences = occurrences[
                (occurrences["start_at"] >= low) & (occurrences["start_at"] < high)
            ]
        return occurrences[occurrences["record_id"].isin(self.events["id"])]

    def events_in(self, year: int | None, column: str) -> dict[Any, int]:
        ids = self.window(year)["record_id"].unique()
        return self.by_column(self.events[self.events["id"].isin(ids)], column)

    def monthly(self, year: int | None, *, distinct: bool) -> dict[Any, int]:
        occurrences = self.window(year)
        local = occurrences["start_at"].dt.tz_localize("UTC").dt.tz_convert(PARIS)
        month = local.dt.year.astype(str) + "-" + local.dt.month.astype(str).str.zfill(2)
        grouped = occurrences.assign(month=month).groupby("month")["record_id"]
        return self.counts(grouped.nunique() if distinct else grouped.size())

    def case(self, key: str, year: int | None) -> dict[Any, int]:
        if key == "actors.by_type":
            return self.by_column(self.actors, "category")
        if key == "actors.by_country":
            return self.by_facet("country")
        if key == "actors.by_continent":
            return self.by_facet("country", lambda codes: codes.map(CONTINENT_OF))
        if key == "actors.by_sdg":
            return self.by_facet("sdg")
        if key == "events.by_kind":
            return self.events_in(year, "category")
        if key == "events.by_campaign":
            return self.events_in(year, "campaign_edition")
        if key == "events.by_month":
            return self.monthly(year, distinct=True)
        if key == "events.occurrences_by_month":
            return self.monthly(year, distinct=False)
        raise KeyError(key)


# --- the databases -------------------------------------------------------------------------------


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A schema of its own on the server (its URL with the search path), dropped at the end."""
    schema = f"rrma_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run_database(
    name: str, ws: Workspace, data: Data, load: Callable[[Workspace, Data], None], repeat: int
) -> dict[str, tuple[float, dict[Any, int]]]:
    started = time.perf_counter()
    load(ws, data)
    print(f"{name}: loaded in {time.perf_counter() - started:.1f} s")
    results = {}
    for label, key, period in CASES:
        elapsed, frame = timed(lambda k=key, p=period: compute(ws, k, period=p), repeat)
        results[label] = (elapsed, as_dict(frame))
        print(f"  {label:<34} {elapsed:6.2f} s")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--occurrences", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("RRMA_TEST_POSTGRES_URL"),
        help="A PostgreSQL URL (default: RRMA_TEST_POSTGRES_URL); without one, SQLite only.",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    data = generate(args.actors, args.occurrences)
    events = sum(1 for r in data.records if r[1] == "event")
    print(
        f"generated {args.actors:,} actors, {len(data.terms):,} terms, {events:,} events and "
        f"{len(data.occurrences):,} occurrences in {time.perf_counter() - started:.1f} s"
    )
    results: dict[str, dict[str, tuple[float, dict[Any, int]]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.init(Path(folder) / "sqlite", name="Bench", region="84")
        try:
            results["SQLite"] = run_database("SQLite", ws, data, load_sqlite, args.repeat)
            started = time.perf_counter()
            frames = Frames(ws)
            loaded = time.perf_counter() - started
            print(f"pandas: tables loaded into DataFrames in {loaded:.1f} s")
            pandas_results = {}
            for label, key, period in CASES:
                elapsed, found = timed(lambda k=key, p=period: frames.case(k, p), args.repeat)
                pandas_results[label] = (elapsed, found)
                print(f"  {label:<34} {elapsed:6.2f} s")
            results["pandas"] = pandas_results
        finally:
            ws.close()
        if args.postgres:
            with postgres_schema(args.postgres) as url:
                Workspace.init(Path(folder) / "pg", name="Bench", region="84").close()
                ws = Workspace.open(Path(folder) / "pg", database=url)
                try:
                    results["PostgreSQL"] = run_database(
                        "PostgreSQL", ws, data, load_postgres, args.repeat
                    )
                finally:
                    ws.close()
        else:
            print("PostgreSQL: skipped (set RRMA_TEST_POSTGRES_URL or --postgres)")

    engines = [e for e in ("SQLite", "PostgreSQL", "pandas") if e in results]
    print()
    print(f"{'indicator':<34}" + "".join(f"{e:>12}" for e in engines) + "   SQLite/pandas")
    for label, _, _ in CASES:
        times = {e: results[e][label][0] for e in engines}
        line = f"{label:<34}" + "".join(f"{times[e]:>10.2f} s" for e in engines)
        line += f"   {times['SQLite'] / times['pandas']:>8.1f}x"
        print(line)
        reference = results["SQLite"][label][1]
        for engine in engines:
            assert results[engine][label][1] == reference, f"{engine} differs on {label}"
    slowest = max(results["SQLite"][label][0] for label, _, _ in CASES)
    print(f"\nall engines give the same numbers; pandas load: {loaded:.1f} s")
    print(f"slowest SQLite indicator: {slowest:.2f} s   (target: about 1 s)")


if __name__ == "__main__":
    main()
