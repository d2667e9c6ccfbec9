"""The ``jsonl`` connector: records published as JSON Lines, one record per line.

The simplest way for a network to publish its data for another to follow (``rrma export``
writes this format), and the connector of the demo workspace.

```toml
[[sources]]
name = "agenda-partenaire"
connector = "jsonl"
url = "https://partenaire.example.org/agenda.jsonl"
model = "Event"          # the record type of every line
snapshot = true          # the file lists every item: items that disappear are withdrawn
```

Each line is a record (a JSON object of the model's fields) or, as ``rrma export jsonl``
writes them, ``{"type": "event", "record": {...}}``. An item's ``id`` is its id in the source
and is kept as the record's id, so that references between published records
(``ActorRef.id``, ``Event.campaign_edition``) still hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, ClassVar

from pydantic import Field, field_validator

from rrma_core import get_model, hookimpl
from rrma_core.connectors import Connector, FetchContext, Options
from rrma_core.errors import RrmaError, UnknownModel
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import Event, Record
from rrma_core.workspace import jsonl_line

__all__ = ["JsonLinesConnector", "JsonLinesExporter"]

_MAX_LINE = 1_000_000


class JsonLinesOptions(Options):
    """Options of the ``jsonl`` connector."""

    url: str = Field(description="Where the JSON Lines file is served (http or https).")
    model: str = Field(default="Event", description="The record type of the lines.")
    snapshot: bool = Field(default=True, description="Whether the file lists every item.")

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        try:
            get_model(value)
        except UnknownModel as error:  # a ValueError, so that pydantic names the key
            raise ValueError(str(error)) from None
        return value


class JsonLinesConnector(Connector[JsonLinesOptions]):
    """Reads records from a JSON Lines file over HTTP."""

    name: ClassVar[str] = "jsonl"
    record_type: ClassVar[type[Record]] = Event
    Options = JsonLinesOptions
    snapshot: ClassVar[bool] = True
    keep_ids: ClassVar[bool] = True

    def __init__(self, options: JsonLinesOptions) -> None:
        super().__init__(options)
        self.record_type = get_model(options.model)  # type: ignore[misc]
        self.snapshot = options.snapshot  # type: ignore[misc]

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any]]:
        response = ctx.get(self.options.url)
        text = response.text()
        if text.lstrip().startswith("<"):
            raise RrmaError(f"{response.url} returned an HTML or XML page, not JSON Lines")
        lines = text.splitlines()
        if lines and not text.endswith("\n") and not _parses(lines[-1]):
            # A complete file ends its last line; one cut in the middle of it was truncated.
            raise RrmaError(
                f"{response.url} ends in the middle of line {len(lines)}: truncated download"
            )
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if len(line) > _MAX_LINE:
                ctx.skip(f"line {number}", f"longer than {_MAX_LINE} characters")
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                ctx.skip(f"line {number}", f"not JSON: {error.msg} at column {error.colno}")
                continue
            if isinstance(data, dict) and "record" in data and isinstance(data["record"], dict):
                data = data["record"]
            if not isinstance(data, dict):
                ctx.skip(f"line {number}", "not a JSON object")
                continue
            item = dict(data)
            # The line's id is both its id in the source and, when it is a valid record
            # id, the record's id (keep_ids): links between published records hold.
            source_id = item.pop("source_id", None) or item.get("id")
            for key in ("provenance", "created_at", "updated_at", "withdrawn_at"):
                item.pop(key, None)
            if source_id:
                item["source_id"] = source_id  # else the engine identifies it by its content
            yield item


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


class JsonLinesExporter(Exporter[Options]):
    """Writes records as JSON Lines, one ``{"type": ..., "record": {...}}`` per line: what
    the ``jsonl`` connector and ``rrma import`` read back."""

    name: ClassVar[str] = "jsonl"
    media_type: ClassVar[str] = "application/x-ndjson"
    extension: ClassVar[str] = ".jsonl"

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        count = 0
        for record in records:
            out.write(jsonl_line(record).encode("utf-8"))
            count += 1
        return count


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    """The ``jsonl`` connector."""
    return [JsonLinesConnector]


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``jsonl`` exporter."""
    return [JsonLinesExporter]
