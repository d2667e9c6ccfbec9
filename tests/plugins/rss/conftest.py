"""Fixtures of the ``rss`` connector's tests: the shipped samples, served by a real server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import rrma_rss

SAMPLES = Path(rrma_rss.__file__).parent / "samples"
BROKEN = Path(__file__).parent / "broken"
RSS = "application/rss+xml; charset=utf-8"

#: ``serve(path, body, content_type=RSS, headers=None)``: publish ``body``, get its URL.
Serve = Callable[..., str]


@pytest.fixture
def serve(httpserver: HTTPServer) -> Serve:
    """Publish a body (bytes, text, or the name of a sample file) at a path of the server."""

    def publish(
        path: str,
        body: bytes | str,
        content_type: str = RSS,
        headers: dict[str, str] | None = None,
    ) -> str:
        if isinstance(body, str) and (SAMPLES / body).is_file():
            body = (SAMPLES / body).read_bytes()
        data = body.encode() if isinstance(body, str) else body
        httpserver.expect_request(path).respond_with_data(
            data, content_type=content_type, headers=headers
        )
        return httpserver.url_for(path)

    return publish


def sample(name: str) -> bytes:
    """The bytes of a shipped sample."""
    return (SAMPLES / name).read_bytes()
