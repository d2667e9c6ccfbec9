"""The ``openagenda`` connector: an agenda's events read through the OpenAgenda API v2."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from rrma_core.connectors import Connector, FetchContext, Options
from rrma_core.errors import HTTPStatusError, RrmaError
from rrma_core.models import Event, Record
from rrma_openagenda._mapping import EventMapper, SkipEvent
from rrma_openagenda._text import plain_text

__all__ = ["DEFAULT_BASE_URL", "MAX_PAGES", "PAGE_SIZE", "OpenAgendaConnector", "OpenAgendaOptions"]

#: The public API.
DEFAULT_BASE_URL = "https://api.openagenda.com/v2"
#: Events asked for per page (OpenAgenda allows up to 300).
PAGE_SIZE = 100
#: More pages than this in one sync is taken for a server that never stops paging.
MAX_PAGES = 1000
#: How far before the last sync an incremental sync asks for changes, to absorb clock
#: differences between this machine and OpenAgenda, and delays in its search index.
OVERLAP = timedelta(hours=1)

_EDITION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class OpenAgendaOptions(Options):
    """Options of the ``openagenda`` connector."""

    agenda: str = Field(
        description="The agenda's uid: the number shown at the foot of its page on "
        "openagenda.com (not its slug)."
    )
    key: SecretStr | None = Field(
        default=None, description="The account's public key, sent in the `key` header."
    )
    key_env: str | None = Field(
        default=None,
        description="The name of an environment variable holding the key, instead of `key`.",
    )
    base_url: str = Field(
        default=DEFAULT_BASE_URL,
        description="The API's root URL, for a mirror or a test server.",
    )
    campaign_edition: str | None = Field(
        default=None,
        description='The campaign edition of every event of the agenda, such as "festisol-2026".',
    )
    campaign_keywords: dict[str, str] = Field(
        default_factory=dict,
        description='Keyword → campaign edition, such as {"ALIMENTERRE": "alimenterre-2026"}; '
        "it wins over campaign_edition.",
    )

    @field_validator("agenda", mode="before")
    @classmethod
    def _agenda_uid(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError(
                f"{value!r} is not an agenda uid: give the number shown at the foot of the "
                "agenda's page on openagenda.com, not its slug"
            )
        return value.strip() if isinstance(value, str) else value

    @field_validator("key", mode="before")
    @classmethod
    def _key_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # `rrma sources add -o key=123...` reads digits as a number
        if isinstance(value, str) and (not value.strip() or any(c in value for c in "\r\n\0")):
            raise ValueError("the key is empty or holds a line break")
        return value.strip() if isinstance(value, str) else value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(
                f"base_url {value!r} must be an http(s) URL, such as {DEFAULT_BASE_URL}"
            )
        if parts.query or parts.fragment:
            raise ValueError(f"base_url {value!r} must not have a query or a fragment")
        return value.strip().rstrip("/")

    @field_validator("campaign_edition")
    @classmethod
    def _edition(cls, value: str | None) -> str | None:
        if value is not None and not _EDITION.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a campaign edition id (such as alimenterre-2026 or "
                "festisol-2026-84)"
            )
        return value

    @field_validator("campaign_keywords")
    @classmethod
    def _editions(cls, value: dict[str, str]) -> dict[str, str]:
        for keyword, edition in value.items():
            if not keyword.strip():
                raise ValueError("a keyword is empty")
            if not _EDITION.fullmatch(edition):
                raise ValueError(
                    f"{edition!r} (for keyword {keyword!r}) is not a campaign edition id "
                    "(such as alimenterre-2026)"
                )
        return value

    @model_validator(mode="after")
    def _one_key(self) -> OpenAgendaOptions:
        if (self.key is None) == (self.key_env is None):
            raise ValueError(
                "give the OpenAgenda key in `key`, or the name of an environment "
                "variable holding it in `key_env` (one of them)"
            )
        return self


class OpenAgendaConnector(Connector[OpenAgendaOptions]):
    """Reads an OpenAgenda agenda's published events through the API v2.

    The first sync reads every event; later ones ask only for the events changed since the
    last successful sync (``updatedAt[gte]``, an hour earlier to be safe), including those
    removed from the agenda, whose records are then withdrawn.
    """

    name: ClassVar[str] = "openagenda"
    record_type: ClassVar[type[Record]] = Event
    Options = OpenAgendaOptions
    #: Incremental: a sync returns the changes, not the whole agenda; removals are explicit.
    snapshot: ClassVar[bool] = False
    #: OpenAgenda's event uids are stable.
    trust_ids: ClassVar[bool] = True

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any]]:
        """Read every page, then yield each event changed (and remove each one removed)."""
        options = self.options
        key = self._key()
        mapper = EventMapper(
            agenda=options.agenda,
            campaign_edition=options.campaign_edition,
            campaign_keywords=options.campaign_keywords,
        )
        # Read all pages first: an event updated while the pages are read shows up twice
        # (sorted by update time), and the later copy is the newer one.
        latest: dict[str, Mapping[str, Any]] = {}
        total: int | None = None
        for number, page in enumerate(_Pages(ctx, options, key), start=1):
            total = page.total if total is None else total
            for index, raw in enumerate(page.events, start=1):
                uid = _uid(raw)
                if uid is None:
                    ctx.skip(_position(raw, number, index), _no_uid(raw))
                    continue
                latest.pop(uid, None)
                latest[uid] = raw
        if total is not None and len(latest) < total:
            ctx.log.warning(
                "source %s: OpenAgenda announced %d events for agenda %s but its pages held %d",
                ctx.source,
                total,
                options.agenda,
                len(latest),
            )
        for uid, raw in latest.items():
            if raw.get("removed") is True or _unpublished(raw.get("state")):
                ctx.remove(uid)
                continue
            try:
                data, notes = mapper.event(raw, uid)
            except SkipEvent as reason:
                ctx.skip(uid, str(reason))
                continue
            for note in notes:
                ctx.log.warning("source %s: event %s: %s", ctx.source, uid, note)
            yield data

    def _key(self) -> str:
        options = self.options
        if options.key is not None:
            return options.key.get_secret_value()
        name = options.key_env or ""
        value = os.environ.get(name, "").strip()
        if not value:
            raise RrmaError(
                f"the environment variable {name} (option key_env) is not set: it must hold "
                "the OpenAgenda key"
            )
        return value


@dataclass(frozen=True)
class _Page:
    """One page of ``GET /agendas/{uid}/events``, checked.

    Attributes:
        events: The page's items, not checked one by one yet.
        after: The cursor of the next page, ``None`` on the last page.
        total: How many events the API says match, when it says so.
    """

    events: list[Any]
    after: list[str] | None
    total: int | None


class _Pages:
    """The pages of the agenda's events, following ``after`` until it is ``null``."""

    def __init__(self, ctx: FetchContext, options: OpenAgendaOptions, key: str) -> None:
        self.ctx = ctx
        self.options = options
        self.key = key
        self.endpoint = f"{options.base_url}/agendas/{options.agenda}/events"
        self.query: list[tuple[str, str]] = [
            ("size", str(PAGE_SIZE)),
            ("detailed", "1"),
            ("longDescriptionFormat", "HTML"),
            ("sort", "updatedAt.asc"),
        ]
        if ctx.since is not None:
            since = (ctx.since - OVERLAP).astimezone(UTC)
            self.query += [
                ("updatedAt[gte]", since.strftime("%Y-%m-%dT%H:%M:%S.000Z")),
                ("removed", "null"),  # removed events too, as {uid, removed: true}
            ]

    def __iter__(self) -> Iterator[_Page]:
        after: list[str] | None = None
        seen: set[tuple[str, ...]] = set()
        for number in range(1, MAX_PAGES + 1):
            query = self.query + [("after[]", value) for value in after or []]
            url = f"{self.endpoint}?{urlencode(query)}"
            page = self._page(url, number)
            yield page
            if page.after is None:
                return
            if not page.events:
                raise RrmaError(
                    f"OpenAgenda page {number} of agenda {self.options.agenda} has no events "
                    "but a cursor to a next page: refusing a read that may be incomplete"
                )
            cursor = tuple(page.after)
            if cursor in seen:
                raise RrmaError(
                    f"OpenAgenda returned the same 'after' cursor twice (page {number} of "
                    f"agenda {self.options.agenda}): its pagination does not advance"
                )
            seen.add(cursor)
            after = page.after
        raise RrmaError(
            f"OpenAgenda agenda {self.options.agenda} has more than {MAX_PAGES} pages of "
            f"{PAGE_SIZE} events: stopped, in case the server never stops paging"
        )

    def _page(self, url: str, number: int) -> _Page:
        where = f"OpenAgenda page {number} of agenda {self.options.agenda} ({self.endpoint})"
        try:
            # Not conditional: 304 semantics do not apply to a paged query.
            response = self.ctx.get(
                url, conditional=False, headers={"key": self.key, "Accept": "application/json"}
            )
        except HTTPStatusError as error:
            raise self._status_error(error) from None
        except RrmaError as error:
            if self.key in str(error):
                raise RrmaError(self._mask(str(error))) from None
            raise
        text = response.text()
        start = text.lstrip()[:1]
        if not start:
            raise RrmaError(f"{where}: empty body where OpenAgenda JSON was expected")
        if start == "<":
            raise RrmaError(f"{where}: an HTML or XML page, not the OpenAgenda JSON expected")
        try:
            data = json.loads(text, parse_constant=lambda _: None)  # NaN, Infinity: unknown
        except ValueError as error:
            raise RrmaError(f"{where}: not valid JSON ({error})") from None
        except RecursionError:
            raise RrmaError(f"{where}: JSON nested too deeply to be an OpenAgenda page") from None
        return self._check(data, where)

    def _check(self, data: Any, where: str) -> _Page:
        if not isinstance(data, dict):
            raise RrmaError(
                f"{where}: expected a JSON object with an 'events' list, got a "
                f"{type(data).__name__}"
            )
        events = data.get("events")
        if not isinstance(events, list):
            said = [data.get("error"), data.get("message")]
            problem = ": ".join(str(v) for v in said if isinstance(v, str | int) and v != "")
            if problem:
                detail = self._mask(problem)[:200]
                raise RrmaError(f"{where}: the API answered with an error: {detail}")
            keys = ", ".join(sorted(str(k) for k in data)[:8]) or "none"
            raise RrmaError(
                f"{where}: expected a JSON object with an 'events' list (keys found: {keys})"
            )
        after = data.get("after")
        if after is not None and not (
            isinstance(after, list)
            and after
            and all(isinstance(v, str | int) and not isinstance(v, bool) for v in after)
        ):
            raise RrmaError(
                f"{where}: the 'after' cursor should be null or a list of values, not "
                f"{json.dumps(after)[:80]}"
            )
        total = data.get("total")
        return _Page(
            events,
            [str(v) for v in after] if after is not None else None,
            total if isinstance(total, int) and not isinstance(total, bool) else None,
        )

    def _status_error(self, error: HTTPStatusError) -> RrmaError:
        agenda, status = self.options.agenda, error.status_code
        if status in {401, 403}:
            return RrmaError(
                f"OpenAgenda refused the key for agenda {agenda} (HTTP {status}): check the "
                "source's key (the public key of an account, from "
                "https://openagenda.com/settings/apiKey) and that the agenda is readable with it"
            )
        if status == 404:
            return RrmaError(
                f"OpenAgenda has no agenda {agenda} at {self.options.base_url} (HTTP 404): "
                "check the agenda's uid"
            )
        return RrmaError(self._mask(str(error)))

    def _mask(self, text: str) -> str:
        """``text`` without the key, should it ever appear there."""
        return text.replace(self.key, "***") if len(self.key) >= 4 else text


def _uid(raw: Any) -> str | None:
    """The event's uid as text, or ``None`` when it has none that OpenAgenda would give."""
    if not isinstance(raw, Mapping):
        return None
    uid = raw.get("uid")
    if isinstance(uid, int) and not isinstance(uid, bool) and uid >= 0:
        return str(uid)
    if isinstance(uid, str) and uid.strip().isdigit():
        return uid.strip()
    return None


def _position(raw: Any, page: int, index: int) -> str:
    """How to name an event that has no uid: where it is, and its title if it has one."""
    where = f"page {page}, item {index}"
    title = raw.get("title") if isinstance(raw, Mapping) else None
    if isinstance(title, Mapping):
        title = title.get("fr") or next(iter(title.values()), None)
    text = plain_text(title)
    return f"{where} ({text[:80]})" if text else where


def _no_uid(raw: Any) -> str:
    if not isinstance(raw, Mapping):
        return f"not a JSON object but {type(raw).__name__}: not an OpenAgenda event"
    if raw.get("uid") is None:
        return "uid: missing"
    return f"uid = {json.dumps(raw.get('uid'))[:40]}: not an OpenAgenda uid (a number)"


def _unpublished(state: Any) -> bool:
    """Whether ``state`` says the event is not published (2 is published)."""
    if state is None:
        return False
    return str(state).strip() not in {"2"}
