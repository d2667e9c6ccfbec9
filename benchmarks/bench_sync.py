"""Sync benchmark: cold sync, warm re-sync, and a naive baseline, measured in one run.

A local HTTP server (loopback only, in its own process) serves N JSON Lines feeds of M events
each, with ETags.
The script measures:

- cold: the first ``Workspace.sync()`` of a new workspace (SQLite);
- warm: a second sync with nothing changed (the server answers 304 Not Modified), run three
  times (it changes nothing, so each run is the same work): the median counts, since a
  tenth of a second moves with the slightest noise of the machine;
- warm-200: a second sync where the server ignores validators and resends the same bodies
  (every item is compared by content hash and found unchanged);
- naive: sequential ``requests.get``, parse, validate, and one INSERT + COMMIT per row into
  SQLite: what a first script would do.

It prints times, ratios, record-row writes and peak memory (tracemalloc, in separate runs
so that its overhead does not skew the times). Targets: cold at
least 5x faster than naive; warm under 10% of cold with zero record-row writes.

The syncs run as ``Workspace.sync()`` runs them: with 200 sources on Linux, in two processes
(``RRMA_SYNC_PROCESSES`` changes that). tracemalloc sees one process only, so the peak
memory is measured with the sync in one process (``RRMA_SYNC_PROCESSES=1``).

    python benchmarks/bench_sync.py --feeds 200 --items 50
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from rrma_core import Event, Workspace
from rrma_core.config import SourceConfig
from rrma_core.sync import PROCESSES_ENV


def make_feed(feed: int, items: int) -> bytes:
    lines = []
    for n in range(items):
        day = 1 + (feed + n) % 28
        lines.append(
            json.dumps(
                {
                    "id": f"f{feed}-e{n}",
                    "title": {"fr": f"Projection-débat n°{n} du réseau {feed}"},
                    "event_kind": "projection-debat",
                    "occurrences": [
                        {
                            "start": f"2027-03-{day:02d}T20:00:00+01:00",
                            "end": f"2027-03-{day:02d}T22:00:00+01:00",
                        }
                    ],
                    "venue": {"name": "Salle des fêtes", "address": {"commune": "69123"}},
                    "themes": ["agriculture", "ecsi"],
                    "sdgs": [2, 12],
                    "campaign_edition": "alimenterre-2027",
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines).encode()


def _run_server(bodies: dict[str, bytes], honour: Any, ports: Any) -> None:
    """The feeds' server, in its own process (see ``serve``)."""
    etags = {path: '"' + hashlib.sha256(b).hexdigest()[:16] + '"' for path, b in bodies.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every response (for both contestants).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_error(404)
                return
            if honour.value and self.headers.get("If-None-Match") == etags[self.path]:
                self.send_response(304)
                self.send_header("ETag", etags[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Content-Length", str(len(body)))
            if honour.value:
                self.send_header("ETag", etags[self.path])
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ports.put(server.server_address[1])
    server.serve_forever()


@contextmanager
def serve(bodies: dict[str, bytes], honour: Any) -> Iterator[str]:
    """Serve the feeds from another process, on loopback.

    In its own process the server does not compete with the syncing process for the
    interpreter lock, as a real remote server would not (the same for both contestants).
    ``honour.value`` (a shared flag) says whether it answers validators with 304.
    """
    context = multiprocessing.get_context("fork")
    ports = context.Queue()
    process = context.Process(target=_run_server, args=(bodies, honour, ports), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}"
    finally:
        process.terminate()
        process.join(timeout=10)


def measure(label: str, run: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of ``run()`` (without tracemalloc, whose overhead would skew the ratios)."""
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    print(f"  {label:<10} {elapsed:8.2f} s")
    return elapsed, result


def peak_memory(run: Callable[[], Any]) -> int:
    """Peak Python memory allocated while ``run()`` runs (tracemalloc), in bytes.

    tracemalloc sees this process only: the sync runs in it (``RRMA_SYNC_PROCESSES=1``).
    """
    saved = os.environ.get(PROCESSES_ENV)
    os.environ[PROCESSES_ENV] = "1"
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        if saved is None:
            del os.environ[PROCESSES_ENV]
        else:
            os.environ[PROCESSES_ENV] = saved
    return peak


def workspace(path: Path, base: str, paths: list[str]) -> Workspace:
    ws = Workspace.init(path, name="Bench", region="84")
    ws.config.sources = [
        SourceConfig.model_validate({"name": f"feed-{i}", "connector": "jsonl", "url": base + p})
        for i, p in enumerate(paths)
    ]
    return ws


def naive(base: str, paths: list[str], db: Path) -> int:
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE events (id TEXT PRIMARY KEY, data TEXT)")
    count = 0
    for path in paths:
        text = requests.get(base + path, timeout=30).text
        for line in text.splitlines():
            data = json.loads(line)
            source_id = data.pop("id")
            event = Event.model_validate(data)
            connection.execute(
                "INSERT INTO events VALUES (?, ?)", (source_id, event.model_dump_json())
            )
            connection.commit()
            count += 1
    connection.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()

    bodies = {f"/feed-{i}.jsonl": make_feed(i, args.items) for i in range(args.feeds)}
    honour = multiprocessing.get_context("fork").Value("b", 1)
    tmp = Path(tempfile.mkdtemp(prefix="rrma-bench-"))
    print(f"{args.feeds} feeds x {args.items} events = {args.feeds * args.items} events")
    print(f"{PROCESSES_ENV}={os.environ.get(PROCESSES_ENV, '(not set)')}, {os.cpu_count()} cores")
    try:
        with serve(bodies, honour) as base:
            ws = workspace(tmp / "ws", base, list(bodies))
            ws.plugins  # noqa: B018 - load plugins first: importing them is not sync work
            cold, report = measure("cold", ws.sync)
            assert report.ok, report.failed[0].error
            stored = ws.store.count("event")
            ws.store.writes.by_table.clear()
            warm_runs = [measure(f"warm-304 #{n}", ws.sync)[0] for n in (1, 2, 3)]
            warm = statistics.median(warm_runs)
            warm_writes = ws.store.writes.record_rows
            warm_meta = ws.store.writes.total - warm_writes
            honour.value = 0
            ws.store.writes.by_table.clear()
            warm200, report = measure("warm-200", ws.sync)
            warm200_writes = ws.store.writes.record_rows
            unchanged = report.totals()["unchanged"]
            ws.close()
            naive_time, count = measure(
                "naive", lambda: naive(base, list(bodies), tmp / "naive.db")
            )
            honour.value = 1
            memory_ws = workspace(tmp / "ws-memory", base, list(bodies))
            cold_peak = peak_memory(memory_ws.sync)
            memory_ws.close()
            naive_peak = peak_memory(lambda: naive(base, list(bodies), tmp / "naive2.db"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"stored events: {stored} (naive: {count})")
    print(f"cold sync vs naive:        {naive_time / cold:5.1f}x faster   (target >= 5x)")
    print(
        f"warm re-sync (304):        {100 * warm / cold:5.1f}% of cold   (target < 10%), "
        f"median of {', '.join(f'{t:.2f}' for t in warm_runs)} s, "
        f"record-row writes {warm_writes}, bookkeeping rows {warm_meta}"
    )
    print(
        f"warm re-sync (same body):  {100 * warm200 / cold:5.1f}% of cold, "
        f"{unchanged} items unchanged, record-row writes {warm200_writes}"
    )
    print(
        f"peak memory: cold {cold_peak / 1e6:.1f} MB (sync in one process), "
        f"naive {naive_peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
