"""A fake OpenAgenda API v2 on a real local HTTP server, serving the plugin's samples.

It answers ``GET /v2/agendas/{uid}/events`` as OpenAgenda does: it checks the ``key``
header (401 otherwise), serves the first page without ``after[]`` and the next page when
``after[]`` repeats the previous page's cursor, and serves the *changes* pages instead of the
full ones when ``updatedAt[gte]`` is given. Every request is recorded for the tests to check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import rrma_openagenda

SAMPLES = Path(rrma_openagenda.__file__).parent / "samples"
BROKEN = Path(__file__).parent / "broken"
AGENDA = "51742968"
KEY = "5f0c3e9a1b7d4c28a6e2f9b04d17c3aa"


def sample(name: str) -> dict[str, Any]:
    """A page shipped in ``plugins/rrma_openagenda/samples``."""
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data


@dataclass
class Seen:
    """One request the fake API received."""

    path: str
    query: str
    args: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class FakeOpenAgenda:
    """The fake API; ``full`` and ``changes`` are the pages it serves, in order."""

    server: HTTPServer
    agenda: str = AGENDA
    key: str = KEY
    full: list[Any] = field(default_factory=lambda: [sample("page-1.json"), sample("page-2.json")])
    changes: list[Any] = field(default_factory=lambda: [sample("changes.json")])
    requests: list[Seen] = field(default_factory=list)
    #: Replaces every answer when set: ``(status, body bytes, content type)``.
    raw: tuple[int, bytes, str] | None = None

    def __post_init__(self) -> None:
        self.server.expect_request(f"/v2/agendas/{self.agenda}/events").respond_with_handler(
            self._handle
        )

    @property
    def base_url(self) -> str:
        return self.server.url_for("/v2")

    def options(self, **extra: Any) -> dict[str, Any]:
        """The source options that read this agenda."""
        return {"agenda": self.agenda, "key": self.key, "base_url": self.base_url, **extra}

    def _handle(self, request: Request) -> Response:
        args = {name: request.args.getlist(name) for name in request.args}
        self.requests.append(
            Seen(request.path, request.query_string.decode(), args, dict(request.headers))
        )
        if request.headers.get("key") != self.key:
            body = {"error": "Unauthorized", "message": "invalid key"}
            return Response(json.dumps(body), status=401, content_type="application/json")
        if self.raw is not None:
            status, content, content_type = self.raw
            return Response(content, status=status, content_type=content_type)
        pages = self.changes if "updatedAt[gte]" in args else self.full
        after = args.get("after[]")
        index = 0
        if after:
            cursors = [p.get("after") if isinstance(p, dict) else None for p in pages]
            index = next((i + 1 for i, c in enumerate(cursors) if c == after), len(pages))
        if index >= len(pages):
            body = {"error": "Bad Request", "message": "unknown after"}
            return Response(json.dumps(body), status=400, content_type="application/json")
        page = pages[index]
        content = page if isinstance(page, bytes) else json.dumps(page).encode()
        return Response(content, status=200, content_type="application/json; charset=utf-8")


@pytest.fixture
def openagenda(httpserver: HTTPServer) -> FakeOpenAgenda:
    """The fake API serving the samples: two pages in full, one page of changes."""
    return FakeOpenAgenda(httpserver)


@pytest.fixture
def make_openagenda(httpserver: HTTPServer) -> Callable[..., FakeOpenAgenda]:
    """``make_openagenda(full=[...], changes=[...])``: the fake API serving other pages."""

    def make(**kwargs: Any) -> FakeOpenAgenda:
        return FakeOpenAgenda(httpserver, **kwargs)

    return make
