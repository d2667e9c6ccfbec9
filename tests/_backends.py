"""The databases the tests run on: SQLite (a real file) and PostgreSQL (a schema per use).

Tests are parametrised over ``BACKENDS``: ``sqlite`` is the workspace's own SQLite file (the
database URL is ``None``), ``postgres`` the server named by ``RRMA_TEST_POSTGRES_URL`` (``.ci/run``
sets it). Without that variable the PostgreSQL tests skip, saying so. On PostgreSQL each use gets
a fresh schema, created here and dropped (CASCADE) at the end; the workspace reaches it through
``options=-csearch_path=<schema>`` in the database URL.

The fixtures built on these (``postgres_admin``, ``database``, ``postgres_url``) are in
``tests/conftest.py``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from rrma_core import Workspace

POSTGRES_ENV = "RRMA_TEST_POSTGRES_URL"
POSTGRES_SKIP = f"set {POSTGRES_ENV} to run the PostgreSQL tests"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_server() -> str | None:
    """The URL of the PostgreSQL test server, ``None`` when none is configured."""
    return os.environ.get(POSTGRES_ENV) or None


def with_search_path(url: str, schema: str) -> str:
    """``url`` with ``schema`` as the search path of its connections."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema(admin: Engine | None = None) -> Iterator[tuple[str, str]]:
    """``(database URL, schema name)`` on a fresh schema of the server, dropped at the end.

    Skips the test when no server is configured. ``admin`` is an engine on the server to
    create and drop the schema with; without one, an engine of its own is made and disposed.
    """
    url = postgres_server()
    if url is None:
        pytest.skip(POSTGRES_SKIP)
    engine = admin if admin is not None else create_engine(url, poolclass=NullPool)
    schema = f"rrma_t_{uuid.uuid4().hex}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield with_search_path(url, schema), schema
        finally:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        if admin is None:
            engine.dispose()


@contextmanager
def database(backend: str, admin: Engine | None = None) -> Iterator[str | None]:
    """The database URL to open a workspace on for ``backend`` (a name of ``BACKENDS``).

    ``None`` for ``sqlite`` (the workspace's own file); for ``postgres``, a URL on a fresh
    schema (see ``postgres_schema``).
    """
    if backend == "sqlite":
        yield None
        return
    with postgres_schema(admin) as (url, _schema):
        yield url


@contextmanager
def workspace_on(
    root: Path,
    backend: str,
    *,
    fill: Callable[[Workspace], None] | None = None,
    name: str = "Réseau Test Auvergne-Rhône-Alpes",
    region: str = "84",
) -> Iterator[Workspace]:
    """A new workspace at ``root`` on ``backend`` (see ``database``), closed at the end.

    ``fill`` adds the test's records to it before it is handed out.
    """
    with database(backend) as url:
        Workspace.init(root, name=name, region=region).close()
        ws = Workspace.open(root, database=url)
        try:
            if fill is not None:
                fill(ws)
            yield ws
        finally:
            ws.close()
