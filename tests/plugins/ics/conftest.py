"""Fixtures of the ``ics`` connector's tests: "today", the samples, and a calendar server.

Every test reads real iCalendar bytes (the samples shipped with the plugin, the broken
inputs beside these tests, or calendars written in the test) served by a real local HTTP
server. "Today" is pinned to 2026-11-27 so that the window the connector unrolls recurring
events over (2026-10-01 to 2027-12-01 with the default options) does not move.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import rrma_ics
import rrma_ics._connector

SAMPLES = Path(rrma_ics.__file__).parent / "samples"
BROKEN = Path(__file__).parent / "broken"
TODAY = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

Serve = Callable[..., str]


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Pin the connector's clock to 2026-11-27, 09:00 UTC."""
    monkeypatch.setattr(rrma_ics._connector, "utcnow", lambda: TODAY)
    return TODAY


@pytest.fixture
def serve(httpserver: HTTPServer) -> Serve:
    """``serve(body, at="/agenda.ics", content_type=...)``: serve a calendar (a file, bytes or
    text) and give its URL. Serving at the same path again replaces the answer, so that a
    test can change the calendar between two syncs. With an ``ETag`` header, a request
    that sends it back in ``If-None-Match`` gets a 304."""
    bodies: dict[str, tuple[bytes, str, dict[str, str]]] = {}

    def _serve(
        body: Path | bytes | str,
        at: str = "/agenda.ics",
        content_type: str = "text/calendar; charset=utf-8",
        **headers: str,
    ) -> str:
        if isinstance(body, Path):
            data = body.read_bytes()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        if at not in bodies:

            def answer(request: Request, path: str = at) -> Response:
                payload, kind, extra = bodies[path]
                etag = extra.get("ETag")
                if etag and request.headers.get("If-None-Match") == etag:
                    return Response(status=304, headers={"ETag": etag})
                return Response(payload, content_type=kind, headers=extra)

            httpserver.expect_request(at).respond_with_handler(answer)
        bodies[at] = (data, content_type, headers)
        return str(httpserver.url_for(at))

    return _serve


def calendar(*events: str, header: str = "") -> str:
    """A VCALENDAR (CRLF line ends) holding ``events`` (VEVENT blocks written with LF)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Réseau Coopération Solidaire AURA//Agenda//FR",
        "CALSCALE:GREGORIAN",
        *[line for line in header.strip().splitlines() if line],
    ]
    for event in events:
        lines.extend(line for line in event.strip().splitlines() if line)
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def vevent(
    uid: str,
    summary: str | None = "Atelier ECSI",
    *lines: str,
    start: str | None = None,
    end: str | None = None,
) -> str:
    """A VEVENT block with more property ``lines`` (``"RRULE:FREQ=WEEKLY"``...). Without a
    ``start``, the event runs on 2026-12-03 from 14:00 to 16:00 in Paris; with one, it has
    no end unless ``end`` is given."""
    if start is None:
        start = "DTSTART;TZID=Europe/Paris:20261203T140000"
        end = end or "DTEND;TZID=Europe/Paris:20261203T160000"
    block = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261127T080000Z"]
    block += [line for line in (start, end) if line]
    if summary is not None:
        block.append(f"SUMMARY:{summary}")
    block += [*lines, "END:VEVENT"]
    return "\n".join(block)


def as_json(records: list[Any]) -> str:
    """The records as compact JSON, to look for strings in them."""
    return json.dumps(
        [r.model_dump(mode="json") for r in records], ensure_ascii=False, separators=(",", ":")
    )
