"""The demo workspace: sample sources shipped with the package, served offline by the demo.

The samples are dated around their anchor day (2026-11-27); when served they are moved by
whole weeks to today, so the demo always shows upcoming events and open calls.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from importlib import resources
from typing import Any

__all__ = ["ANCHOR", "DEMO_SOURCES", "sample_text", "serve_samples", "shift_dates"]

#: The day the sample files are written around.
ANCHOR = date(2026, 11, 27)

#: ``(source name, file, model)`` of every demo source (all read by the ``jsonl`` connector).
DEMO_SOURCES: list[tuple[str, str, str]] = [
    ("demo-agenda", "events.jsonl", "Event"),
    ("demo-appels", "calls.jsonl", "CallForProjects"),
    ("demo-annuaire", "actors.jsonl", "Actor"),
    ("demo-formations", "trainings.jsonl", "Training"),
    ("demo-ressources", "resources.jsonl", "Resource"),
]

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=[T\"])")


def shift_dates(text: str, days: int) -> str:
    """Move every ISO date in ``text`` by ``days`` (a multiple of 7 keeps weekdays)."""
    if not days:
        return text

    def move(match: re.Match[str]) -> str:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]
        return (day + timedelta(days=days)).isoformat()

    return _DATE.sub(move, text)


def _offset(today: date | None = None) -> int:
    today = today or date.today()
    return 7 * ((today - ANCHOR).days // 7)


def sample_text(name: str, today: date | None = None) -> str:
    """The sample file ``name``, its dates moved to ``today``'s week."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return shift_dates(text, _offset(today))


class _Handler(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between headers and body

    def __init__(self, *args: Any, today: date | None, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        name = self.path.lstrip("/").split("?")[0]
        if name not in {f for _, f, _ in DEMO_SOURCES}:
            self.send_error(404)
            return
        body = sample_text(name, self.today).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_samples(today: date | None = None) -> Iterator[str]:
    """Serve the sample files on a loopback port; yields the base URL (``http://127.0.0.1:N/``)."""
    handler = functools.partial(_Handler, today=today)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="rrma-demo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
