"""The connector contract: what a plugin writes to bring a source's items in.

A connector says *what to read*; the engine does the rest (validation, identity, change
detection, state, retries, storage). A connector is a class with:

- ``name``: how ``rrma.toml`` refers to it (``connector = "rss"``);
- ``record_type``: the [`Record`][rrma_core.models.Record] model its items become;
- ``Options``: a pydantic model of its options (the other keys of the source in
  ``rrma.toml``), validated before the sync starts;
- ``fetch(ctx)``: a generator that yields dicts (or records), one per item.

Example:
    ```python
    from rrma_core import hookimpl
    from rrma_core.connectors import Connector, FetchContext, Options
    from rrma_core.models import CallForProjects


    class FunderCalls(Connector):
        name = "funder-calls"
        record_type = CallForProjects

        class Options(Options):
            url: str

        def fetch(self, ctx: FetchContext):
            for item in ctx.get(self.options.url).json():
                if not item.get("titre"):
                    ctx.skip(item.get("id"), "no title")
                    continue
                yield {"title": item["titre"], "deadline": item["date_limite"],
                       "provenance": [{"source": ctx.source, "source_id": str(item["id"])}]}


    @hookimpl
    def rrma_connectors():
        return [FunderCalls]
    ```
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from rrma_core._http import Response, SafeSession, Validators
from rrma_core.errors import RrmaError
from rrma_core.models import Actor, Record

__all__ = [
    "ActorLookup",
    "Connector",
    "FetchContext",
    "NotModified",
    "Options",
    "SkippedItem",
]

OptionsT = TypeVar("OptionsT", bound="Options")


class Options(BaseModel):
    """Base of a connector's options: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def validate_options(
    model: type[BaseModel], options: Mapping[str, Any], where: str, owner: str
) -> BaseModel:
    """Validate plugin options; a problem raises ``ConfigError`` naming ``where`` and the key.

    Args:
        model: The options model.
        options: The options as given.
        where: What the options belong to, for the message ("source 'agenda'").
        owner: Whose options they are, for unknown keys ("connector 'rss'").
    """
    from pydantic import ValidationError

    from rrma_core.errors import ConfigError

    try:
        return model.model_validate(dict(options))
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            key = ".".join(str(p) for p in detail["loc"]) or "(options)"
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = f"unknown key for {owner}"
            problems.append(f"{key}: {message}")
        raise ConfigError(f"{where}: " + "; ".join(problems)) from None


class NotModified(RrmaError):
    """Raised by [`FetchContext.get`][rrma_core.connectors.FetchContext.get] on a ``304``.

    The engine catches it: the source is reported as not modified and nothing is parsed or
    written. A connector lets it propagate.
    """


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An item the connector or the engine left out, and why."""

    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


@dataclass(frozen=True)
class ActorLookup:
    """What [`FetchContext.find_actor`][rrma_core.connectors.FetchContext.find_actor] looks for."""

    siret: str | None = None
    siren: str | None = None
    rna: str | None = None
    name: str | None = None


@dataclass
class FetchContext:
    """What a connector's ``fetch`` receives.

    Attributes:
        source: The source's name in the workspace.
        since: When the last successful sync of this source started (``None`` the first
            time): a connector whose API can filter by update time asks only for newer items.
        state: A JSON-serialisable dict the connector may read and change; it is saved only
            when the sync of this source succeeds, in the same transaction as the records.
        timezone: The workspace's time zone, for dates a source gives without one.
        root: The workspace folder: a relative ``path`` option is relative to it.
        http: The safe HTTP session (timeouts, size caps, retries, no private addresses in
            untrusted URLs). Use [`get`][rrma_core.connectors.FetchContext.get] for the
            conditional requests the engine remembers.
    """

    source: str
    http: SafeSession
    timezone: tzinfo
    since: datetime | None = None
    state: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, Validators] = field(default_factory=dict)
    skipped: list[SkippedItem] = field(default_factory=list)
    warnings: list[SkippedItem] = field(default_factory=list)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("rrma_core.sync"))
    root: Path | None = None
    removed: list[str] = field(default_factory=list)
    actor_finder: Callable[[ActorLookup], Actor | None] | None = None

    def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        trusted: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Fetch ``url`` through the safe session.

        With ``conditional`` (the default), the validators (ETag, Last-Modified) stored from
        the previous successful sync are sent, and a ``304`` raises
        [`NotModified`][rrma_core.connectors.NotModified]. The new validators are saved only
        if this sync of the source succeeds.

        Args:
            url: The URL to fetch.
            conditional: Send the stored validators and stop on ``304``.
            trusted: ``False`` for URLs found inside fetched data: private and loopback
                addresses are then refused unless the workspace allows them.
            headers: Extra request headers (an API key...): never logged by the session.
        """
        sent = self.validators.get(url) if conditional else None
        response = self.http.get(url, validators=sent, trusted=trusted, headers=headers)
        if response.not_modified:
            raise NotModified(f"{url} has not changed since the last sync")
        if conditional and not response.validators.empty:
            self.validators[url] = response.validators
        return response

    def path(self, value: str | Path) -> Path:
        """A file named in the options: absolute, or relative to the workspace folder."""
        path = Path(value).expanduser()
        if not path.is_absolute() and self.root is not None:
            path = self.root / path
        return path

    def find_actor(
        self,
        *,
        siret: str | None = None,
        siren: str | None = None,
        rna: str | None = None,
        name: str | None = None,
    ) -> Actor | None:
        """A stored actor with this SIRET, SIREN or RNA number, else with this name.

        Names are compared without case, accents or punctuation. Returns ``None`` when
        nothing matches (or outside a sync). A connector may then yield a new
        [`Actor`][rrma_core.models.Actor] record alongside its own items.
        """
        if self.actor_finder is None:
            return None
        return self.actor_finder(ActorLookup(siret=siret, siren=siren, rna=rna, name=name))

    def remove(self, source_id: str) -> None:
        """Say that item ``source_id`` was removed from the source (an API's deleted items).

        Its record is withdrawn (never deleted) when this sync succeeds, unless another
        source still delivers it; if the item comes back later, so does the record.
        """
        self.removed.append(str(source_id))

    def warn(self, item: Any, message: str) -> None:
        """Note something about an item that was kept (an invalid code dropped...).

        Warnings appear in the sync report beside the skipped items.
        """
        self.warnings.append(SkippedItem(describe_item(item), message))

    def skip(self, item: Any, reason: str) -> None:
        """Leave ``item`` out, with the reason shown in the sync report.

        ``item`` may be an id, a title or the raw item (its id, guid, uid, link or title is
        then used to name it).
        """
        self.skipped.append(SkippedItem(describe_item(item), reason))


def describe_item(item: Any) -> str:
    """A short name for an item in reports: its id, guid, uid, url or title."""
    if isinstance(item, Record):
        first = item.provenance[0].source_id if item.provenance else None
        return first or item.id
    if isinstance(item, Mapping):
        for key in ("source_id", "id", "guid", "uid", "uuid", "link", "url", "title", "name"):
            value = item.get(key)
            if value:
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                return text[:120]
        provenance = item.get("provenance")
        if isinstance(provenance, list) and provenance and isinstance(provenance[0], Mapping):
            source_id = provenance[0].get("source_id")
            if source_id:
                return str(source_id)[:120]
        return "(item without id)"
    return str(item)[:120]


class Connector(Generic[OptionsT]):
    """Base class of connectors. Subclass it, set the class attributes, write ``fetch``.

    Class attributes:
        name: The connector's name in ``rrma.toml``.
        record_type: The model its items become.
        Options: Its options model (a subclass of [`Options`][rrma_core.connectors.Options]).
        snapshot: ``True`` when each fetch returns the complete set of the source's items;
            items that disappear are then marked withdrawn (never deleted), and only after a
            complete, successful fetch.
        trust_ids: ``True`` when the source's own ids are stable. When ``False`` (web
            calendars that regenerate UIDs), identity is a hash of the item's content.
        keep_ids: ``True`` when the items carry rrma record ids worth keeping (records
            exported by another rrma workspace), so that references between them
            (``ActorRef.id``, ``Event.campaign_edition``) still hold. Otherwise a new
            record's id is made from the source's name and the item's source id.
    """

    name: ClassVar[str]
    record_type: ClassVar[type[Record]]
    Options: ClassVar[type[Options]] = Options
    snapshot: ClassVar[bool] = False
    trust_ids: ClassVar[bool] = True
    keep_ids: ClassVar[bool] = False

    def __init__(self, options: OptionsT) -> None:
        self.options = options

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any] | Record]:
        """Yield the source's items, as dicts for ``record_type`` or as records.

        A record of another model (say, an [`Actor`][rrma_core.models.Actor] for an
        organiser the connector found no stored actor for) is stored as that model.
        """
        raise NotImplementedError(f"connector {self.name!r} does not implement fetch()")

    @classmethod
    def parse_options(cls, source: str, options: Mapping[str, Any]) -> BaseModel:
        """Validate a source's options, naming the source and the key in the error."""
        return validate_options(
            cls.Options, options, f"source {source!r}", f"connector {cls.name!r}"
        )
