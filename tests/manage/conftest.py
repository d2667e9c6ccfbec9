"""Fixtures of the management tests: a workspace on SQLite (a real file) and on PostgreSQL.

PostgreSQL runs when ``RRMA_TEST_POSTGRES_URL`` names a server; each test gets a schema of
its own, dropped at teardown (the ``database`` fixture of ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.models import Actor

#: Three actors of the directory, as the tests' spaces reference them.
ACTORS = [
    {"id": "actor-resacoop", "name": "RESACOOP", "actor_type": "network"},
    {"id": "actor-terre-partage", "name": "Terre et Partage Rhône", "actor_type": "association"},
    {"id": "actor-ville-chambery", "name": "Ville de Chambéry", "actor_type": "local-authority",
     "local_authority_level": "commune"},
]  # fmt: skip


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
