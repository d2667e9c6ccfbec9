"""Hostile and broken calendars: each file in ``broken/`` against its row of EXPECTED.toml."""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from rrma_core.errors import RrmaError
from rrma_core.testing import run_connector, sync_source
from rrma_ics import IcsConnector

from .conftest import BROKEN, SAMPLES, Serve, as_json

EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (BROKEN / "EXPECTED.toml").read_text(encoding="utf-8")
)


def test_every_broken_file_has_an_expected_outcome_and_back() -> None:
    files = {p.name for p in BROKEN.glob("*.ics")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_input(name: str, serve: Serve) -> None:
    expected = EXPECTED[name]
    url = serve(
        BROKEN / name,
        content_type=expected.get("content_type", "text/calendar"),
    )
    started = time.monotonic()
    if expected["outcome"] == "fails":
        with pytest.raises(RrmaError, match=re.escape(expected["reason"])):
            run_connector(IcsConnector, {"url": url})
        return
    run = run_connector(IcsConnector, {"url": url})
    elapsed = time.monotonic() - started
    reasons = [f"{s.item}: {s.reason}" for s in run.skipped]
    if expected["outcome"] == "skipped":
        assert len(run.skipped) == 1, reasons
        assert expected["reason"] in run.skipped[0].reason
    else:
        assert run.skipped == [], reasons
    assert len(run.records) == expected["stored"]
    stored = as_json(run.records)
    for text in expected.get("absent", []):
        assert text not in stored
    for text in expected.get("present", []):
        assert text in stored
    state = run.state["last_fetch"]
    assert sorted(state["unknown_tzids"]) == sorted(expected.get("unknown_tzids", []))
    assert state["left_out_outside_window"] == expected.get("outside_window", 0)
    assert state["parse_errors"] == expected.get("parse_errors", 0)
    if "max_seconds" in expected:
        assert elapsed < expected["max_seconds"]


def test_a_failed_source_keeps_its_stored_events(serve: Serve, tmp_path: Path) -> None:
    """A calendar that comes back as an HTML page fails the source; nothing is withdrawn."""
    url = serve(SAMPLES / "mobilizon-feed.ics")
    report, ws = sync_source(tmp_path / "ws", IcsConnector, url=url)
    with ws:
        assert report.ok, report.to_dict()
        assert len(ws.events()) == 3
        serve(BROKEN / "html-instead-of-calendar.ics", content_type="text/html")
        again = ws.sync()
        assert not again.ok
        (source,) = again.sources
        assert "HTML or XML page" in (source.error or "")
        assert source.withdrawn == 0
        assert len(ws.events()) == 3
