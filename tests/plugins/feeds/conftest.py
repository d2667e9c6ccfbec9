"""Fixtures of the ``rss`` and ``atom`` tests: the demo workspace, synced once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.cli import main


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace made by ``rrma demo`` (offline), synced once for every test here."""
    path = tmp_path_factory.mktemp("feeds-demo")
    main(["demo", str(path)])
    return path


@pytest.fixture
def ws(demo_dir: Path) -> Iterator[Workspace]:
    """The demo workspace, opened."""
    with Workspace.open(demo_dir) as workspace:
        yield workspace


@pytest.fixture(params=["rss", "atom"])
def fmt(request: pytest.FixtureRequest) -> str:
    """Each feed format in turn."""
    return str(request.param)
