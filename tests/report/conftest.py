"""Fixtures of the report tests: the hand-counted network of ``tests/test_indicators.py``
(its counts are written out there, record by record), on SQLite and on PostgreSQL.

Its actors are imported as stored on 15 January 2026, so that the directory "at the end of
2026" holds the 12 of them whatever the day the tests run, and the one of 2025 none.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import test_indicators
from _backends import BACKENDS, workspace_on
from rrma_core import Workspace
from test_indicators import ACTORS

#: When the reports of the tests are made.
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))


def fill(ws: Workspace) -> None:
    """The network of ``test_indicators``: its actors stored on 15 January 2026."""
    lines = [
        json.dumps({"type": "actor", "record": {**a, "created_at": "2026-01-15T10:00:00+00:00"}})
        for a in ACTORS
    ]
    count, problems = ws.import_jsonl(io.StringIO("\n".join(lines)))
    assert (count, problems) == (len(ACTORS), [])
    test_indicators.fill(ws, actors=False)


def open_network(root: Path, url: str | None, *, filled: bool = True) -> Workspace:
    Workspace.init(root, name="Réseau Test Auvergne-Rhône-Alpes", region="84").close()
    ws = Workspace.open(root, database=url)
    if filled:
        fill(ws)
    return ws


@pytest.fixture(scope="module", params=BACKENDS)
def network(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The filled workspace, shared by the tests of a module that only read it."""
    root = tmp_path_factory.mktemp("report") / "reseau"
    with workspace_on(root, request.param, fill=fill) as ws:
        yield ws


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """An empty workspace of the test's own, on each backend."""
    with workspace_on(tmp_path / "reseau", request.param) as ws:
        yield ws
