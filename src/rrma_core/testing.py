"""Helpers for testing connectors and plugins against a real local HTTP server.

Serve real-shaped payloads with `pytest-httpserver <https://pytest-httpserver.readthedocs.io>`_
(its ``httpserver`` fixture), then run the connector exactly as the engine would:

Example:
    ```python
    from rrma_core.testing import run_connector, sync_source

    def test_reads_the_agenda(httpserver, tmp_path):
        httpserver.expect_request("/wp-json/tribe/events/v1/events").respond_with_json(PAYLOAD)
        url = httpserver.url_for("/wp-json/tribe/events/v1/events")
        run = run_connector(TribeEvents, {"url": url})
        assert [str(e.title) for e in run.records] == ["Projection-débat « Nourrir »"]
        assert run.skipped == []

        # or the whole engine: a workspace, one source, one sync
        report, ws = sync_source(tmp_path, TribeEvents, url=httpserver.url_for("/wp-json/..."))
        assert report.ok and ws.events()
    ```
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pydantic

from rrma_core._http import HTTPPolicy, SafeSession
from rrma_core.connectors import Connector, FetchContext, NotModified, SkippedItem, describe_item
from rrma_core.errors import InvalidRecord, problems_of
from rrma_core.hookspecs import hookimpl
from rrma_core.models import Record
from rrma_core.sync import SyncReport, _source_id_of
from rrma_core.workspace import Workspace

__all__ = ["ConnectorRun", "run_connector", "sync_source"]


@dataclass
class ConnectorRun:
    """What one run of a connector produced.

    Attributes:
        records: The items that validated, as records.
        source_ids: Each record's id in the source (``None`` when it gave none).
        skipped: Items left out by the connector (``ctx.skip``) or by validation, with why.
        state: The connector's state after the run.
        warnings: Notes about kept items (``ctx.warn``).
        removed: Source ids the connector said were removed (``ctx.remove``).
        not_modified: Whether the run stopped on a ``304 Not Modified``.
    """

    records: list[Record] = field(default_factory=list)
    source_ids: list[str | None] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    warnings: list[SkippedItem] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    not_modified: bool = False


def run_connector(
    connector: type[Connector[Any]],
    options: Mapping[str, Any],
    *,
    since: datetime | None = None,
    state: Mapping[str, Any] | None = None,
    timezone: str = "Europe/Paris",
    source: str = "test",
) -> ConnectorRun:
    """Run ``connector`` once with ``options``, validating its items as the engine does.

    Loopback addresses are allowed, so it can fetch from a local test server.

    Raises:
        ConfigError: when the options are invalid (naming the key).
    """
    parsed = connector.parse_options(source, options)
    instance = connector(parsed)
    run = ConnectorRun()
    with SafeSession(HTTPPolicy(private_addresses="allow", retries=0)) as http:
        ctx = FetchContext(
            source=source,
            http=http,
            timezone=ZoneInfo(timezone),
            since=since,
            state=json.loads(json.dumps(dict(state or {}))),
        )
        try:
            for raw in instance.fetch(ctx):
                data, source_id = _source_id_of(raw)
                name = source_id or describe_item(raw)
                try:
                    # A record of its own model (an organiser's Actor) validates as itself.
                    record = (
                        type(data).model_validate(data.model_dump())
                        if isinstance(data, Record)
                        else instance.record_type.parse(data, source=source, item=name)
                    )
                except InvalidRecord as error:
                    ctx.skip(name, "; ".join(str(p) for p in error.problems))
                    continue
                except pydantic.ValidationError as error:
                    ctx.skip(name, "; ".join(str(p) for p in problems_of(error)))
                    continue
                run.records.append(record)
                run.source_ids.append(source_id)
        except NotModified:
            run.not_modified = True
        run.skipped = ctx.skipped
        run.warnings = ctx.warnings
        run.removed = ctx.removed
        run.state = ctx.state
    return run


class _OneConnector:
    def __init__(self, connector: type[Connector[Any]]) -> None:
        self.connector = connector

    @hookimpl
    def rrma_connectors(self) -> list[type[Connector[Any]]]:
        return [self.connector]


def sync_source(
    path: Path,
    connector: type[Connector[Any]],
    /,
    *,
    plugins: Sequence[object] = (),
    region: str = "84",
    **options: Any,
) -> tuple[SyncReport, Workspace]:
    """Create a workspace in ``path`` with one source read by ``connector``, and sync it.

    The workspace (returned open: close it, or use it in a ``with``) allows private
    addresses, so the source can be a local test server. Other ``plugins`` (objects or
    modules with hook implementations) are registered too.
    """
    ws = Workspace.init(path, name="Test", region=region)
    ws.config.workspace.allow_private_addresses = True
    ws.plugins.register(_OneConnector(connector), name=f"test-{connector.name}")
    for number, plugin in enumerate(plugins):
        ws.plugins.register(plugin, name=f"test-plugin-{number}")
    ws.add_source("test", connector.name, **options)
    return ws.sync(), ws
