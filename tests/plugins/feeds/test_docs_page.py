"""The samples pasted in ``docs/exports/feeds.md`` are what the exporters write today.

The samples are made from demo records (the files that ``rrma demo`` serves, with their
dates as written there) with a fixed clock; run this file as a script to print them again:

    python -m tests.plugins.feeds.test_docs_page
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import rrma_core
from rrma_core.models import CallForProjects, Event, Record

from ._helpers import STORED, export

PAGE = Path(__file__).parents[3] / "docs" / "exports" / "feeds.md"
SAMPLES: dict[str, tuple[str, list[str], dict[str, Any]]] = {
    "rss": ("calls", ["aap-region-ara-csi-2027", "aap-afd-innov-ong-2027"], {}),
    "atom": ("events", ["alimenterre-2026-lyon-01"], {}),
}
_XML_BLOCK = re.compile(r"^```xml\n(.*?)^```", re.S | re.M)


def _demo_records(file: str, model: type[Record], ids: list[str]) -> list[Record]:
    text = (resources.files("rrma_core.demo") / "data" / file).read_text(encoding="utf-8")
    records = []
    for line in text.splitlines():
        data = json.loads(line)
        if data["id"] in ids:
            records.append(model.parse({**data, "created_at": STORED, "updated_at": STORED}))
    assert len(records) == len(ids)
    return records


def sample(fmt: str) -> str:
    """The sample of ``fmt`` as the page shows it."""
    kind, ids, options = SAMPLES[fmt]
    if kind == "calls":
        records = _demo_records("calls.jsonl", CallForProjects, ids)
    else:
        records = _demo_records("events.jsonl", Event, ids)
    data = export(fmt, records, workspace="Réseau de démonstration",
                  link="https://www.reseau-demo.example/", **options)  # fmt: skip
    return data.decode("utf-8")


def _without_version(text: str) -> str:
    return text.replace(rrma_core.__version__, "VERSION")


def test_page_shows_current_samples() -> None:
    shown = _XML_BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(shown) == len(SAMPLES), "docs/exports/feeds.md should hold one sample per format"
    for fmt, block in zip(SAMPLES, shown, strict=True):
        assert re.sub(r"rrma_core [^<]+<", "rrma_core VERSION<", block) == _without_version(
            sample(fmt)
        ), f"the {fmt} sample of docs/exports/feeds.md is out of date: run {__doc__}"


def test_page_documents_every_option() -> None:
    from rrma_feeds import FeedOptions

    text = PAGE.read_text(encoding="utf-8")
    for name in FeedOptions.model_fields:
        assert f"| `{name}` |" in text, f"option {name} is missing from docs/exports/feeds.md"


if __name__ == "__main__":
    for fmt in SAMPLES:
        print(f"```xml\n{sample(fmt)}```\n")
