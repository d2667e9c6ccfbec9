"""Fixtures of the management tests: a workspace on SQLite (a real file) and on PostgreSQL.

PostgreSQL runs when ``RRMA_TEST_POSTGRES_URL`` names a server; each test gets a schema of
its own, dropped at teardown.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from rrma_core import Workspace
from rrma_core.models import Actor

POSTGRES_ENV = "RRMA_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

#: Three actors of the directory, as the tests' spaces reference them.
ACTORS = [
    {"id": "actor-resacoop", "name": "RESACOOP", "actor_type": "network"},
    {"id": "actor-terre-partage", "name": "Terre et Partage Rhône", "actor_type": "association"},
    {"id": "actor-ville-chambery", "name": "Ville de Chambéry", "actor_type": "local-authority",
     "local_authority_level": "commune"},
]  # fmt: skip


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine | None]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        yield None
        return
    engine = create_engine(url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, postgres_admin: Engine | None) -> Iterator[str | None]:
    """``None`` for the workspace's own SQLite file, else a PostgreSQL URL in a fresh schema."""
    if request.param == "sqlite":
        yield None
        return
    if postgres_admin is None:
        pytest.skip(f"set {POSTGRES_ENV} to run the PostgreSQL tests")
    schema = f"rrma_m_{uuid.uuid4().hex}"
    with postgres_admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = os.environ[POSTGRES_ENV]
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with postgres_admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


class Opener:
    """Opens workspaces on one folder and database, and closes them at teardown."""

    def __init__(self, root: Path, database: str | None) -> None:
        self.root = root
        self.database = database
        self.opened: list[Workspace] = []

    def open(self) -> Workspace:
        ws = Workspace.open(self.root, database=self.database)
        self.opened.append(ws)
        return ws


@pytest.fixture
def opener(tmp_path: Path, database: str | None) -> Iterator[Opener]:
    root = tmp_path / "reseau"
    Workspace.init(root, name="Réseau Test Auvergne-Rhône-Alpes", region="84").close()
    spaces = Opener(root, database)
    try:
        yield spaces
    finally:
        for ws in spaces.opened:
            ws.close()


@pytest.fixture
def ws(opener: Opener) -> Workspace:
    """A new workspace (region 84) holding the three ``ACTORS``."""
    workspace = opener.open()
    for data in ACTORS:
        workspace.add(Actor.parse(data))
    return workspace
