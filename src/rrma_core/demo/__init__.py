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
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

from rrma_core.vocabularies import MONTHS

__all__ = ["ANCHOR", "DEMO_SOURCES", "DemoSource", "sample_text", "serve_samples", "shift_dates"]

#: The day the sample files are written around.
ANCHOR = date(2026, 11, 27)


@dataclass(frozen=True)
class DemoSource:
    """One source of the demo workspace, and the sample file its server answers with.

    Attributes:
        name: The source's name in the demo's ``rrma.toml``.
        connector: The connector that reads it.
        path: Where the demo server answers (the query string is ignored).
        package: The package shipping the sample (rrma_core's demo, or a built-in plugin).
        resource: The sample's path inside that package.
        content_type: What the server says it is.
        options: The connector's options; ``{base}`` in a value becomes the server's URL,
            and ``{year}`` the year the samples are moved to (a campaign's edition).
    """

    name: str
    connector: str
    path: str
    package: str
    resource: str
    content_type: str
    options: dict[str, Any] = field(default_factory=dict)

    def config(self, base_url: str, today: date | None = None) -> dict[str, Any]:
        """The source's ``[[sources]]`` entry for a server at ``base_url``."""
        year = (ANCHOR + timedelta(days=_offset(today))).year
        options: dict[str, Any] = {}
        for key, value in self.options.items():
            if value == "{year}":
                value = year
            elif isinstance(value, str):
                value = value.replace("{base}", base_url.rstrip("/"))
            options[key] = value
        return {"name": self.name, "connector": self.connector, **options}


_JSONL = "application/x-ndjson; charset=utf-8"


def _jsonl(name: str, file: str, model: str) -> DemoSource:
    return DemoSource(
        name, "jsonl", f"/{file}", "rrma_core.demo", f"data/{file}", _JSONL,
        {"url": "{base}/" + file, "model": model},
    )  # fmt: skip


#: Every source of the demo workspace: one of each built-in connector, plus the
#: directory, trainings and resources as JSON Lines.
DEMO_SOURCES: list[DemoSource] = [
    _jsonl("demo-agenda", "events.jsonl", "Event"),
    _jsonl("demo-archives", "events-previous.jsonl", "Event"),
    _jsonl("demo-appels", "calls.jsonl", "CallForProjects"),
    _jsonl("demo-annuaire", "actors.jsonl", "Actor"),
    _jsonl("demo-formations", "trainings.jsonl", "Training"),
    _jsonl("demo-ressources", "resources.jsonl", "Resource"),
    _jsonl("demo-espaces", "spaces.jsonl", "MultiActorSpace"),
    DemoSource(
        "demo-openagenda",
        "openagenda",
        "/openagenda/v2/agendas/51742968/events",
        "rrma_openagenda",
        "samples/demo.json",
        "application/json; charset=utf-8",
        {"agenda": "51742968", "key": "demo-public-key", "base_url": "{base}/openagenda/v2"},
    ),
    DemoSource(
        "demo-appels-rss",
        "rss",
        "/rss/demo.xml",
        "rrma_rss",
        "samples/demo.xml",
        "application/rss+xml; charset=utf-8",
        {"url": "{base}/rss/demo.xml", "funder": "Région Auvergne-Rhône-Alpes"},
    ),
    DemoSource(
        "demo-agenda-ics",
        "ics",
        "/agenda/demo.ics",
        "rrma_ics",
        "samples/demo.ics",
        "text/calendar; charset=utf-8",
        {"url": "{base}/agenda/demo.ics"},
    ),
    DemoSource(
        "demo-festisol",
        "festival",
        "/festival/demo.csv",
        "rrma_festival",
        "samples/demo.csv",
        "text/csv; charset=utf-8",
        {"url": "{base}/festival/demo.csv", "campaign": "festisol", "edition": "{year}"},
    ),
]

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?=[T\" ,;]|$)", re.M)
_ICS = re.compile(r"(?<=[:;=,])(\d{4})(\d{2})(\d{2})(?=T\d{6}|\r?$|[,;])", re.M)
_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC822 = re.compile(r"\b(\d{1,2}) (" + "|".join(_EN_MONTHS) + r") (\d{4})\b")
_FR_MONTHS = MONTHS["fr"]
_FRENCH = re.compile(r"\b(1er|\d{1,2}) (" + "|".join(_FR_MONTHS) + r") (\d{4})\b")


def shift_dates(text: str, days: int) -> str:
    """Move every date in ``text`` by ``days`` (a multiple of 7 keeps weekdays right).

    It knows the forms the samples use: ISO 8601 (``2026-11-27``), iCalendar
    (``20261127T200000``), RFC 822 (``27 Nov 2026``), French numeric (``27/11/2026``) and
    French words (``27 novembre 2026``, ``1er décembre 2026``).
    """
    if not days:
        return text

    def moved(year: str, month: int, day: int) -> date | None:
        try:
            return date(int(year), month, day) + timedelta(days=days)
        except ValueError:
            return None

    def iso(m: re.Match[str]) -> str:
        d = moved(m[1], int(m[2]), int(m[3]))
        return d.isoformat() if d else m[0]

    def ics(m: re.Match[str]) -> str:
        d = moved(m[1], int(m[2]), int(m[3]))
        return d.strftime("%Y%m%d") if d else m[0]

    def slash(m: re.Match[str]) -> str:
        d = moved(m[3], int(m[2]), int(m[1]))
        return f"{d.day:02d}/{d.month:02d}/{d.year}" if d else m[0]

    def rfc822(m: re.Match[str]) -> str:
        d = moved(m[3], _EN_MONTHS.index(m[2]) + 1, int(m[1]))
        return f"{d.day:02d} {_EN_MONTHS[d.month - 1]} {d.year}" if d else m[0]

    def french(m: re.Match[str]) -> str:
        day = 1 if m[1] == "1er" else int(m[1])
        d = moved(m[3], _FR_MONTHS.index(m[2]) + 1, day)
        if d is None:
            return m[0]
        return f"{'1er' if d.day == 1 else d.day} {_FR_MONTHS[d.month - 1]} {d.year}"

    for pattern, replace in ((_ISO, iso), (_ICS, ics), (_SLASH, slash), (_RFC822, rfc822),
                             (_FRENCH, french)):  # fmt: skip
        text = pattern.sub(replace, text)
    return text


def _offset(today: date | None = None) -> int:
    today = today or date.today()
    return 7 * ((today - ANCHOR).days // 7)


def sample_text(source: DemoSource, today: date | None = None) -> str:
    """The sample of ``source``, its dates moved to ``today``'s week."""
    text = resources.files(source.package).joinpath(source.resource).read_text(encoding="utf-8")
    return shift_dates(text, _offset(today))


class _Handler(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between headers and body

    def __init__(self, *args: Any, today: date | None, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        source = next((s for s in DEMO_SOURCES if s.path == path), None)
        if source is None:
            self.send_error(404)
            return
        body = sample_text(source, self.today).encode()
        self.send_response(200)
        self.send_header("Content-Type", source.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_samples(today: date | None = None, port: int = 0) -> Iterator[str]:
    """Serve the sample files on a loopback port; yields the base URL (``http://127.0.0.1:N/``).

    ``port`` asks for the port of an earlier run (so that links the sources resolve against
    their URL stay the same, and a second ``rrma demo`` finds nothing changed); when it is
    taken, any free port is used.
    """
    handler = functools.partial(_Handler, today=today)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="rrma-demo-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
