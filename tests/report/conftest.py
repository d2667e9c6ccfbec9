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

from rrma_core import CallForProjects, Event, MultiActorSpace, Training, Workspace
from test_indicators import ACTORS, CALLS, EVENTS, SPACES, TRAININGS, database

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

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
    for model, items in (
        (Event, EVENTS),
        (CallForProjects, CALLS),
        (Training, TRAININGS),
        (MultiActorSpace, SPACES),
    ):
        for item in items:
            ws.add(model.model_validate(item))


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
    with database(request.param) as url:
        ws = open_network(tmp_path_factory.mktemp("report") / "reseau", url)
        try:
            yield ws
        finally:
            ws.close()


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """An empty workspace of the test's own, on each backend."""
    with database(request.param) as url:
        ws = open_network(tmp_path / "reseau", url, filled=False)
        try:
            yield ws
        finally:
            ws.close()
