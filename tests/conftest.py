"""Fixtures shared by every test folder: the databases (see ``tests/_backends.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

import _backends
from _backends import BACKENDS, postgres_schema, postgres_server


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine | None]:
    """An engine on the PostgreSQL test database (``None`` when none is configured)."""
    url = postgres_server()
    if url is None:
        yield None
        return
    engine = create_engine(url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, postgres_admin: Engine | None) -> Iterator[str | None]:
    """``None`` for the workspace's own SQLite file, else a PostgreSQL URL in a fresh schema."""
    with _backends.database(request.param, postgres_admin) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin: Engine | None) -> Iterator[str]:
    """A PostgreSQL URL on a fresh schema (dropped afterwards); skips without a server."""
    with postgres_schema(postgres_admin) as (url, _schema):
        yield url
