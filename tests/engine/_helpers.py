"""Real-shaped data, a JSON Lines feed served over real HTTP, and small tools for the engine tests.

The data is what the networks handle: events in INSEE communes of Auvergne-Rhône-Alpes and
elsewhere, calls for projects with their funders and deadlines, actors with RNA and SIRET
numbers. Everything is served from a real local HTTP server (pytest-httpserver), never mocked.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request
from werkzeug import Response as WResponse

from rrma_core import Workspace, hookimpl
from rrma_core._http import HTTPPolicy, SafeSession
from rrma_core.storage._store import (
    occurrences_t,
    provenance_t,
    records_t,
    sources_t,
    terms_t,
)

# --- identifiers -------------------------------------------------------------------------------


def _luhn_key(digits: str) -> str:
    """``digits`` followed by the one digit that makes the whole pass the Luhn check."""
    for key in "0123456789":
        candidate = digits + key
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char)
            if index % 2 == 1:
                value *= 2
                if value > 9:
                    value -= 9
            total += value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def siret(siren8: str, nic4: str = "0001") -> str:
    """A valid SIRET: a SIREN (8 digits + key) and an establishment number (4 digits + key)."""
    return _luhn_key(_luhn_key(siren8) + nic4)


# --- records as a source delivers them ---------------------------------------------------------


def event(
    source_id: str | None,
    title: str,
    *,
    start: str = "2099-11-20T20:00:00+01:00",
    end: str | None = None,
    commune: str | None = "69123",
    city: str | None = None,
    kind: str = "projection-debat",
    themes: Iterable[str] = (),
    sdgs: Iterable[Any] = (),
    campaign: str | None = None,
    url: str | None = None,
    organisers: Iterable[str] = (),
    occurrences: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An event as a partner's agenda publishes it (JSON)."""
    item: dict[str, Any] = {
        "title": {"fr": title},
        "event_kind": kind,
        "occurrences": (
            occurrences
            if occurrences is not None
            else [{"start": start, **({"end": end} if end else {})}]
        ),
        "themes": list(themes),
        "sdgs": list(sdgs),
        "organisers": [{"name": name} for name in organisers],
    }
    if source_id is not None:
        item["id"] = source_id
    if commune is not None:
        item["venue"] = {"name": "Salle des fêtes", "address": {"commune": commune, "city": city}}
    if campaign is not None:
        item["campaign_edition"] = campaign
    if url is not None:
        item["url"] = url
    item.update(extra)
    return item


def call(
    source_id: str | None,
    title: str,
    *,
    funders: Iterable[str] = ("Agence française de développement",),
    deadline: str | None = "2099-03-15",
    published_on: str | None = "2099-01-10",
    opens_on: str | None = None,
    themes: Iterable[str] = (),
    sdgs: Iterable[Any] = (),
    countries: Iterable[str] = (),
    url: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A call for projects (appel à projets) as a funder's platform publishes it."""
    item: dict[str, Any] = {
        "title": {"fr": title},
        "funders": [{"name": name} for name in funders],
        "deadline": deadline,
        "published_on": published_on,
        "opens_on": opens_on,
        "themes": list(themes),
        "sdgs": list(sdgs),
        "countries": list(countries),
        "eligible_actor_types": ["association", "local-authority"],
        "amount": {"min": 5000, "max": 50000, "text": "de 5 000 à 50 000 €"},
    }
    if source_id is not None:
        item["id"] = source_id
    if url is not None:
        item["url"] = url
    item.update(extra)
    return item


def actor(
    source_id: str | None,
    name: str,
    *,
    actor_type: str = "association",
    commune: str | None = "69123",
    countries: Iterable[str] = (),
    sdgs: Iterable[Any] = (),
    sectors: Iterable[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """An actor of the regional directory."""
    item: dict[str, Any] = {
        "name": name,
        "actor_type": actor_type,
        "countries": list(countries),
        "sdgs": list(sdgs),
        "sectors": list(sectors),
    }
    if source_id is not None:
        item["id"] = source_id
    if commune is not None:
        item["head_office"] = {"address": {"commune": commune}}
    item.update(extra)
    return item


def many_events(count: int, *, prefix: str = "evt", start_index: int = 0) -> list[dict[str, Any]]:
    """``count`` distinct Festival ALIMENTERRE screenings across the region's communes."""
    communes = ["69123", "38185", "63113", "01053", "42218", "74010", "73065", "26362"]
    return [
        event(
            f"{prefix}-{n}",
            f"Projection-débat ALIMENTERRE n°{n}",
            start=f"2099-{10 + n % 2}-{1 + n % 28:02d}T20:00:00+01:00",
            commune=communes[n % len(communes)],
            themes=["agriculture"],
            sdgs=[2],
            campaign="alimenterre-2099",
        )
        for n in range(start_index, start_index + count)
    ]


def jsonl(items: Iterable[Mapping[str, Any]]) -> str:
    """JSON Lines text, one item a line."""
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


# --- a JSON Lines file served over HTTP --------------------------------------------------------


@dataclass
class Feed:
    """A JSON Lines endpoint of pytest-httpserver whose content a test changes between syncs.

    With ``etag`` (the default) the server sends a strong ETag (a hash of the body) and answers
    ``304`` to a matching ``If-None-Match``; without it the server sends neither ETag nor
    Last-Modified and always re-sends the body. ``body`` replaces the JSON Lines text (an HTML
    page, an empty body...), ``status`` replaces the status.
    """

    server: HTTPServer
    path: str
    items: list[dict[str, Any]]
    etag: bool = True
    body: str | None = None
    status: int = 200
    content_type: str = "application/x-ndjson; charset=utf-8"
    requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.expect_request(self.path).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for(self.path)

    def text(self) -> str:
        return jsonl(self.items) if self.body is None else self.body

    def current_etag(self) -> str:
        return '"' + hashlib.sha256(self.text().encode()).hexdigest()[:16] + '"'

    def _handle(self, request: Request) -> WResponse:
        self.requests.append(dict(request.headers))
        if self.status != 200:
            return WResponse(
                "<html><body>Erreur</body></html>", status=self.status, content_type="text/html"
            )
        headers = {}
        if self.etag:
            tag = self.current_etag()
            headers["ETag"] = tag
            if request.headers.get("If-None-Match") == tag:
                return WResponse(status=304, headers=headers)
        return WResponse(self.text(), status=200, headers=headers, content_type=self.content_type)


# --- a server that cuts its body short ---------------------------------------------------------


class TruncatingServer:
    """A loopback HTTP server announcing ``Content-Length`` for a whole body and then, while
    ``cut`` is true, sending only its first half and closing: a download cut short on the
    wire (pytest-httpserver always sends whole bodies)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        #: False: serve the whole body (a healthy source); True: cut it in half.
        self.cut = True
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/agenda.jsonl"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(5)
                try:
                    head = b""
                    while b"\r\n\r\n" not in head:
                        data = conn.recv(4096)
                        if not data:
                            break
                        head += data
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                        + f"Content-Length: {len(self.body)}\r\n".encode()
                        + b"Connection: close\r\n\r\n"
                        + (self.body[: len(self.body) // 2] if self.cut else self.body)
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


# --- plugins and workspace tools ---------------------------------------------------------------


class ConnectorsPlugin:
    """A plugin object providing connector classes (registered with ``ws.plugins.register``)."""

    def __init__(self, *connectors: type[Any]) -> None:
        self.connectors = list(connectors)

    @hookimpl
    def rrma_connectors(self) -> list[type[Any]]:
        return self.connectors


def use_connectors(ws: Workspace, *connectors: type[Any]) -> None:
    """Register ``connectors`` on ``ws`` as a run-time plugin."""
    ws.plugins.register(ConnectorsPlugin(*connectors), "test-connectors")


def instant_retries(ws: Workspace, *, retries: int = 3) -> None:
    """Give ``ws`` a real SafeSession whose retries do not wait (back-off 0, no jitter).

    Retried statuses (500...) and cut bodies are retried with real back-off sleeps by
    default (1 s, 2 s, 4 s); the workspace has no setting for its HTTP policy, so the tests
    hand it a session with the same defaults but no waiting.
    """
    ws.http.close()
    ws._http = SafeSession(HTTPPolicy(backoff=0, jitter=0, retries=retries))


def record_rows_of(ws: Workspace, action: Callable[[], Any]) -> tuple[Any, int, dict[str, int]]:
    """Run ``action``; return its result, the rows it wrote to the record tables, and the
    rows per table."""
    writes = ws.store.writes
    before = dict(writes.by_table)
    result = action()
    after = dict(writes.by_table)
    diff = {t: n - before.get(t, 0) for t, n in after.items() if n != before.get(t, 0)}
    record_tables = {"records", "record_terms", "occurrences", "provenance"}
    return result, sum(n for t, n in diff.items() if t in record_tables), diff


def dump_records(ws: Workspace, source: str | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record tables, sorted: two dumps are equal when nothing changed.

    With ``source``, only the rows of the records that source delivers.
    """
    tables = {
        "records": (records_t, records_t.c.id),
        "record_terms": (terms_t, terms_t.c.record_id),
        "occurrences": (occurrences_t, occurrences_t.c.record_id),
        "provenance": (provenance_t, provenance_t.c.record_id),
    }
    dumped = {}
    with ws.store.engine.connect() as conn:
        for name, (table, record_id) in tables.items():
            query = select(table)
            if source is not None:
                mine = select(provenance_t.c.record_id).where(provenance_t.c.source == source)
                query = query.where(record_id.in_(mine))
            rows = conn.execute(query).all()
            dumped[name] = sorted((tuple(row) for row in rows), key=repr)
    if source is not None:
        assert dumped["records"], f"source {source!r} has no records"
    return dumped


def source_row(ws: Workspace, name: str) -> dict[str, Any]:
    """The stored state of source ``name``: state, validators, since and last success."""
    with ws.store.engine.connect() as conn:
        row = conn.execute(select(sources_t).where(sources_t.c.name == name)).mappings().first()
    assert row is not None, f"no stored state for source {name!r}"
    return {
        "state": json.loads(row["state"]),
        "validators": json.loads(row["validators"]),
        "since": row["since"],
        "last_success_at": row["last_success_at"],
        "last_status": row["last_status"],
        "last_error": row["last_error"],
    }


def by_source(report: Any) -> dict[str, Any]:
    """The per-source reports of a SyncReport, by source name."""
    return {s.source: s for s in report.sources}


def titles(records: Iterable[Any]) -> list[str]:
    return [str(getattr(r, "title", None) or getattr(r, "name", "")) for r in records]
