"""The ``ics`` connector: its options, reading the calendar's bytes, and the fetch."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit

import icalendar
from pydantic import Field, field_validator, model_validator

from rrma_core.connectors import Connector, FetchContext, Options
from rrma_core.errors import FetchError, RrmaError
from rrma_core.models import Event, Record
from rrma_core.vocabularies import EventKind
from rrma_ics._events import EventReader
from rrma_ics._window import Window

__all__ = ["IcsConnector", "IcsOptions", "read_calendars", "utcnow"]

#: The largest calendar file read from disk (the HTTP session caps downloads itself).
MAX_FILE_BYTES = 20 * 1024 * 1024


def utcnow() -> datetime:
    """The current time (the window is placed around it; tests pin it)."""
    return datetime.now(UTC)


class IcsOptions(Options):
    """Options of the ``ics`` connector (exactly one of ``url`` and ``path``)."""

    url: str | None = Field(
        default=None, description="Where the calendar is served (http or https)."
    )
    path: str | None = Field(
        default=None, description="A local .ics file, absolute or relative to the workspace."
    )
    window_past_days: int = Field(
        default=30, ge=0, le=36_500, description="How far back open-ended recurrences go."
    )
    window_future_days: int = Field(
        default=365, ge=1, le=36_500, description="How far ahead recurrences are unrolled."
    )
    max_occurrences: int = Field(
        default=500, ge=1, le=10_000, description="The most occurrences one event keeps."
    )
    time_budget: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="Seconds the calendar may spend expanding recurrences, in all.",
    )
    campaign_edition: str | None = Field(
        default=None, description="The campaign edition every event belongs to."
    )
    event_kind: EventKind = Field(
        default=EventKind.OTHER, description="The kind set on every event."
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme.lower() not in {"http", "https"}:
            raise ValueError(f"{value!r} must be an http:// or https:// URL (use path for a file)")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of url (a web calendar) and path (a .ics file)")
        return self


def read_calendars(text: str, where: str) -> list[icalendar.Calendar]:
    """The calendars in ``text`` (usually one), after checking it is a whole iCalendar file.

    Args:
        text: The decoded body.
        where: The URL or file it came from, for messages.

    Raises:
        RrmaError: when the body is empty, an HTML page, cut short, or not iCalendar.
    """
    body = text.strip()
    if not body:
        raise RrmaError(f"{where} is empty: expected an iCalendar file (BEGIN:VCALENDAR)")
    if not body[:15].upper().startswith("BEGIN:VCALENDAR"):
        if body.startswith("<"):
            raise RrmaError(
                f"{where} returned an HTML or XML page, not an iCalendar file "
                f"(expected BEGIN:VCALENDAR, got {body[:40]!r})"
            )
        raise RrmaError(f"{where} is not an iCalendar file: it does not start with BEGIN:VCALENDAR")
    if not body[-13:].upper() == "END:VCALENDAR":
        raise RrmaError(
            f"{where} ends before END:VCALENDAR: the download was cut short (truncated)"
        )
    try:
        calendars = icalendar.Calendar.from_ical(body, multiple=True)
    except (ValueError, TypeError, IndexError, KeyError) as error:
        raise RrmaError(f"{where} is not a valid iCalendar file: {error}") from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise RrmaError(f"{where} holds no VCALENDAR")
    for calendar in calendars:
        scale = str(calendar.get("CALSCALE", "GREGORIAN")).upper()
        if scale != "GREGORIAN":
            raise RrmaError(f"{where} uses CALSCALE:{scale}; only GREGORIAN calendars are read")
    if not any(c.name == "VEVENT" for cal in calendars for c in cal.subcomponents):
        raise RrmaError(
            f"{where} is a calendar without any event (VEVENT): refusing to treat that as "
            "'every event was removed'"
        )
    return calendars


class IcsConnector(Connector[IcsOptions]):
    """Reads the events of an iCalendar (.ics) feed or file.

    Web calendars (OpenAgenda's ``events.v2.ics``, Mobilizon's ``/@group/feed/ics``,
    Google, Nextcloud, WordPress plugins...) are read as they are. Each VEVENT becomes one
    [`Event`][rrma_core.models.Event]; a recurring one has its instances as occurrences.
    Many web calendars make up new UIDs on every download, so a record's identity is a hash
    of its content unless the source sets ``trust_ids = true``.
    """

    name: ClassVar[str] = "ics"
    record_type: ClassVar[type[Record]] = Event
    Options = IcsOptions
    snapshot: ClassVar[bool] = True
    trust_ids: ClassVar[bool] = False

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any]]:
        """Yield the calendar's events (see the ``ics`` connector's documentation)."""
        text, where, base = self._read(ctx)
        calendars = read_calendars(text, where)
        options = self.options
        window = Window.around(
            utcnow(), options.window_past_days, options.window_future_days, ctx.timezone
        )
        defaults: dict[str, Any] = {"event_kind": options.event_kind.value}
        if options.campaign_edition:
            defaults["campaign_edition"] = options.campaign_edition
        reader = EventReader(
            window=window,
            zone=ctx.timezone,
            base_url=base,
            max_occurrences=options.max_occurrences,
            time_budget=options.time_budget,
            defaults=defaults,
            skip=ctx.skip,
            find_actor=lambda name: _actor_ref(ctx, name),
            log=_Prefixed(ctx.log, ctx.source),
        )
        for calendar in calendars:
            yield from reader.items(calendar)
        stats = reader.stats
        ctx.state["last_fetch"] = {"window": window.to_dict(), **stats.to_dict()}
        if stats.items == 0:
            raise RrmaError(
                f"none of the {stats.events} events of {where} could be brought in "
                f"({stats.skipped} skipped, {stats.outside_window} with no occurrence in the "
                f"window {window.start.date()} to {window.end.date()}, {stats.private} private): "
                "keeping the stored ones"
            )

    def _read(self, ctx: FetchContext) -> tuple[str, str, str | None]:
        """The calendar's text, where it came from, and the base URL of its links."""
        if self.options.url is not None:
            response = ctx.get(self.options.url)
            if not response.content.strip():
                raise FetchError(
                    f"{response.url} returned an empty body: expected an iCalendar file",
                    url=response.url,
                )
            return response.text(), response.url, response.url
        assert self.options.path is not None  # the options require one of them
        path: Path = ctx.path(self.options.path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise RrmaError(
                    f"{path} is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a calendar may be"
                )
            data = path.read_bytes()
        except OSError as error:
            raise RrmaError(f"cannot read the calendar file {path}: {error.strerror}") from None
        return data.decode("utf-8-sig", errors="replace"), str(path), None


def _actor_ref(ctx: FetchContext, name: str) -> Mapping[str, Any] | None:
    actor = ctx.find_actor(name=name)
    if actor is None:
        return None
    return {"id": actor.id, "name": actor.name}


class _Prefixed(logging.LoggerAdapter[logging.Logger]):
    """Prefixes messages with the source's name."""

    def __init__(self, logger: logging.Logger, source: str) -> None:
        super().__init__(logger, {"source": source})
        self.source = source

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return f"source {self.source}: {msg}", kwargs
