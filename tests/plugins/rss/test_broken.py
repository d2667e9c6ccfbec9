"""Hostile and broken inputs, each a file of ``broken/`` named after its defect.

Each file is served by a real local HTTP server and read by the connector exactly as the
engine runs it; ``broken/EXPECTED.toml`` says what must happen: the source fails with a
clear reason (and the engine keeps its stored records), or the feed is read, an entry being
skipped with its reason when it cannot make a record.
"""

from __future__ import annotations

import time
import tomllib
from typing import Any

import pytest

from rrma_core.errors import RrmaError
from rrma_core.models import CallForProjects
from rrma_core.testing import run_connector
from rrma_rss import RssConnector

from .conftest import BROKEN, RSS, Serve

EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (BROKEN / "EXPECTED.toml").read_text(encoding="utf-8")
)
#: Generous: every case takes milliseconds; unguarded, the worst take seconds or forever.
TIME_LIMIT = 5.0


def test_every_broken_file_has_an_expected_outcome() -> None:
    files = {path.name for path in BROKEN.glob("*.xml")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_input(name: str, serve: Serve) -> None:
    expected = EXPECTED[name]
    url = serve(
        f"/broken/{name}",
        (BROKEN / name).read_bytes(),
        content_type=expected.get("content_type", RSS),
    )
    started = time.monotonic()
    if expected["outcome"] == "fails":
        with pytest.raises(RrmaError) as failure:
            run_connector(RssConnector, {"url": url})
        assert expected["reason"] in str(failure.value)
        assert url in str(failure.value)  # the message names the source's address
        assert time.monotonic() - started < TIME_LIMIT
        return

    run = run_connector(RssConnector, {"url": url})
    assert time.monotonic() - started < TIME_LIMIT
    calls = [record for record in run.records if isinstance(record, CallForProjects)]
    assert len(calls) == len(run.records) == expected["stored"], run.skipped
    reasons = [skipped.reason for skipped in run.skipped]
    wanted = expected.get("skipped", [])
    assert len(reasons) == len(wanted), reasons
    for reason, fragment in zip(reasons, wanted, strict=True):
        assert fragment in reason
    if "titles" in expected:
        assert [str(call.title) for call in calls] == expected["titles"]
    dumped = "\n".join(call.model_dump_json() for call in calls)
    for fragment in expected.get("absent", []):
        assert fragment not in dumped, fragment
    for fragment in expected.get("present", []):
        assert fragment in dumped, fragment
    if expected.get("no_deadline"):
        assert all(call.deadline is None for call in calls)
    if expected.get("no_url"):
        assert all(call.url is None for call in calls)
