"""Fixtures of the engine tests: one workspace per test, on SQLite and on PostgreSQL.

``backend`` is parametrised over ``sqlite`` (a real file in ``tmp_path``, the default
database of ``Workspace.init``) and ``postgres``. The PostgreSQL tests run when
``RRMA_TEST_POSTGRES_URL`` names a server (``.ci/run`` sets it); each test then gets its own
fresh schema, dropped (CASCADE) at teardown (``tests/_backends.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy.engine import Engine

from _backends import BACKENDS, postgres_schema
from rrma_core import Workspace

from ._helpers import Feed


@dataclass
class Backend:
    """Where a test's workspace keeps its data."""

    name: str
    #: The URL handed to ``Workspace.open(database=...)``; ``None`` for the workspace's own
    #: SQLite file.
    database: str | None
    schema: str | None = None


@contextmanager
def _backend(name: str, admin: Engine | None) -> Iterator[Backend]:
    if name == "sqlite":
        yield Backend("sqlite", None)
        return
    with postgres_schema(admin) as (url, schema):
        yield Backend("postgres", url, schema)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, postgres_admin: Engine | None) -> Iterator[Backend]:
    """Each database the engine supports; PostgreSQL in a schema of its own per test."""
    with _backend(request.param, postgres_admin) as chosen:
        yield chosen


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(
    request: pytest.FixtureRequest, postgres_admin: Engine | None
) -> Iterator[Backend]:
    """As ``backend``, shared by the tests of one module that only read."""
    with _backend(request.param, postgres_admin) as chosen:
        yield chosen


@pytest.fixture
def sqlite_backend() -> Backend:
    """The default backend only, for tests of SQLite itself (WAL, processes, kill)."""
    return Backend("sqlite", None)


@dataclass
class Workspaces:
    """Opens (and at teardown closes) workspaces on one folder and one backend."""

    root: Path
    backend: Backend
    opened: list[Workspace] = field(default_factory=list)

    def init(self, region: str = "84") -> Workspace:
        Workspace.init(self.root, name="Réseau Test Auvergne-Rhône-Alpes", region=region).close()
        return self.open()

    def open(self) -> Workspace:
        ws = Workspace.open(self.root, database=self.backend.database)
        self.opened.append(ws)
        return ws

    def close_all(self) -> None:
        for ws in self.opened:
            ws.close()


def _workspaces(root: Path, backend: Backend) -> Iterator[Workspaces]:
    spaces = Workspaces(root, backend)
    try:
        yield spaces
    finally:
        spaces.close_all()


@pytest.fixture
def workspaces(tmp_path: Path, backend: Backend) -> Iterator[Workspaces]:
    """A factory of workspaces on ``tmp_path / "reseau"`` and the test's backend."""
    yield from _workspaces(tmp_path / "reseau", backend)


@pytest.fixture
def workspace(workspaces: Workspaces) -> Workspace:
    """A new workspace (``Workspace.init``, region 84 Auvergne-Rhône-Alpes) on the backend."""
    return workspaces.init()


@pytest.fixture
def reopen(workspaces: Workspaces, workspace: Workspace) -> Callable[[], Workspace]:
    """Open ``workspace`` again, as another run of the program would (fresh plugins)."""
    return workspaces.open


@pytest.fixture(scope="module")
def module_workspace(
    tmp_path_factory: pytest.TempPathFactory, module_backend: Backend
) -> Iterator[Workspace]:
    """A workspace shared by the tests of one module (they must not change it)."""
    for spaces in _workspaces(tmp_path_factory.mktemp("shared") / "reseau", module_backend):
        yield spaces.init()


@pytest.fixture
def sqlite_workspaces(tmp_path: Path, sqlite_backend: Backend) -> Iterator[Workspaces]:
    yield from _workspaces(tmp_path / "reseau", sqlite_backend)


@pytest.fixture
def sqlite_workspace(sqlite_workspaces: Workspaces) -> Workspace:
    """A new workspace on its default SQLite file."""
    return sqlite_workspaces.init()


@pytest.fixture
def serve(httpserver: HTTPServer) -> Callable[..., Feed]:
    """``serve(path, items, etag=True)``: a JSON Lines file on a real local HTTP server."""

    def make(path: str, items: list[dict[str, Any]], **options: Any) -> Feed:
        return Feed(httpserver, path, list(items), **options)

    return make
