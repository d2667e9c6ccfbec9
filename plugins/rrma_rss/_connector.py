"""The ``rss`` connector: RSS 0.9x/1.0/2.0 and Atom feeds of calls, news and resources."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from rrma_core.connectors import Connector, FetchContext, Options, SkippedItem
from rrma_core.models import Actor, CallForProjects, Record, Resource
from rrma_core.vocabularies import ResourceKind, get_vocabulary
from rrma_rss._feed import parse_feed
from rrma_rss._fold import fold
from rrma_rss._french import read_actor_types, read_amount, read_dates, read_funders
from rrma_rss._html import (
    absolute_http_url,
    html_to_text,
    plain_text_to_html,
    plain_title,
    sanitize,
)

__all__ = ["FeedRead", "RssConnector", "RssOptions", "read_feed"]

_WORD = re.compile(r"[^\W_]+")

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_CC_LICENCE = re.compile(
    r"creativecommons\.org/(?:licenses/(?P<kind>[a-z-]+)/(?P<version>\d\.\d)|publicdomain/zero/1\.0)",
    re.IGNORECASE,
)

#: How much of an entry's text (in characters) is read for dates, amounts, eligible
#: actors, themes and SDGs.
READ_LIMIT = 20_000

#: Finds a stored actor by name (``FetchContext.find_actor``), for funders.
ActorFinder = Callable[[str], Actor | None]


class RssOptions(Options):
    """Options of the ``rss`` connector."""

    url: str = Field(description="The feed's address (http or https).")
    kind: Literal["call", "news", "resource"] = Field(
        default="call",
        description='What the entries are: calls for projects ("call", the default), '
        'news ("news") or resources ("resource"); news and resources become Resource records.',
    )
    funder: str | None = Field(
        default=None,
        description="The funder of every call of the feed, when an entry names none.",
    )
    language: str = Field(
        default="fr", description="The language of the feed's texts (a language tag)."
    )
    resource_kind: ResourceKind | None = Field(
        default=None,
        description="For news and resources: the resource_kind of every entry "
        '(else read from the entry\'s categories for resources, else "other").',
    )
    max_items: int | None = Field(
        default=None, ge=1, description="Read at most this many entries, first in the feed."
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if absolute_http_url(value, value) is None:
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return value

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str) -> str:
        primary, _, rest = value.strip().replace("_", "-").partition("-")
        tag = primary.lower() + (f"-{rest}" if rest else "")
        if not _LANGUAGE.fullmatch(tag):
            raise ValueError(f"{value!r} is not a language tag (such as fr, en, pt-BR)")
        return tag

    @field_validator("funder")
    @classmethod
    def _funder_name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the funder's name is empty")
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _kind_options(self) -> RssOptions:
        if self.kind == "call" and self.resource_kind is not None:
            raise ValueError('resource_kind only applies to kind "news" or "resource"')
        if self.kind != "call" and self.funder is not None:
            raise ValueError('funder only applies to kind "call"')
        return self


@dataclass
class FeedRead:
    """What [`read_feed`][rrma_rss.read_feed] made of a feed.

    Attributes:
        items: One dict per entry, for the connector's record type (with ``source_id``).
        skipped: The entries left out, each with the reason.
        title: The feed's own title, if it has one.
        version: The format feedparser recognised (``rss20``, ``atom10``, ``rss10``...).
        recovered: The XML problem feedparser worked around, if any (an unescaped ``&``).
        removed_doctype: Whether a DOCTYPE (and its entity declarations) was removed.
        notes: What was read but left out of entries that were kept, one line each.
    """

    items: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    title: str | None = None
    version: str = ""
    recovered: str | None = None
    removed_doctype: bool = False
    notes: list[str] = field(default_factory=list)


def read_feed(
    content: bytes,
    *,
    url: str,
    options: RssOptions,
    timezone: tzinfo,
    content_type: str | None = None,
    find_actor: ActorFinder | None = None,
) -> FeedRead:
    """Read a feed's bytes into record dicts, as the connector does after fetching them.

    Args:
        content: The feed's body.
        url: Its final URL (after redirects): the base of relative links.
        options: The source's options.
        timezone: The workspace's time zone (times read in the text, publication days).
        content_type: The ``Content-Type`` header, for its charset.
        find_actor: Looks a funder up among the stored actors by name.

    Raises:
        NotAFeed: when the body is not a complete RSS or Atom feed.
    """
    parsed = parse_feed(content, url=url, content_type=content_type)
    data = parsed.data
    read = FeedRead(
        title=plain_title(data.feed.get("title") or "") or None,
        version=data.get("version") or "",
        recovered=parsed.recovered,
        removed_doctype=parsed.removed_doctype,
    )
    entries = _unique_entries(data.get("entries") or [], url, read.skipped)
    if options.max_items is not None and len(entries) > options.max_items:
        extra = len(entries) - options.max_items
        read.skipped.append(
            SkippedItem(
                f"{extra} entries after the first {options.max_items}",
                f"beyond max_items = {options.max_items}",
            )
        )
        entries = entries[: options.max_items]
    # In RSS, an item's only date may be dc:date, which feedparser files as "updated": it is
    # the item's date. In Atom, "updated" is the last change, not the publication.
    updated_is_published = not read.version.startswith("atom")
    reader = _EntryReader(options, url, timezone, find_actor, updated_is_published, read.notes)
    for source_id, entry in entries:
        try:
            item = reader.read(source_id, entry)
        except _Skip as skip:
            read.skipped.append(SkippedItem(source_id, str(skip)))
            continue
        read.items.append(item)
    return read


class _Skip(Exception):
    """An entry that cannot make a record; the message says which field and why."""


def _timestamp(value: Any) -> float | None:
    """A feedparser ``*_parsed`` value (a UTC ``struct_time``) as a POSIX timestamp."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return float(calendar.timegm(value))
    except (OverflowError, ValueError):
        return None


def _instant(value: Any, tz: tzinfo) -> datetime | None:
    stamp = _timestamp(value)
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC).astimezone(tz)
    except (OverflowError, OSError, ValueError):
        return None


def _entry_id(entry: Mapping[str, Any], url: str) -> str:
    """The entry's identity: its guid (or Atom id), else its link, else a hash of it."""
    guid = entry.get("id")
    if isinstance(guid, str) and guid.strip():
        return " ".join(guid.split())
    link = absolute_http_url(entry.get("link"), url)
    if link:
        return link
    digest = hashlib.sha256(
        "\x1f".join(
            [
                plain_title(entry.get("title") or ""),
                str(entry.get("published") or entry.get("updated") or ""),
                _raw_body(entry),
            ]
        ).encode("utf-8", "surrogatepass")
    ).hexdigest()
    return f"hash:{digest[:40]}"


def _raw_body(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    values = [c.get("value") or "" for c in contents if isinstance(c, Mapping)]
    return "\n".join([*values, entry.get("summary") or ""])


def _unique_entries(
    entries: list[Any], url: str, skipped: list[SkippedItem]
) -> list[tuple[str, Any]]:
    """The entries with their ids; of several with one id, the one updated last wins.

    Ties are broken by a hash of the entry's content, so the winner does not depend on the
    order of the entries in the feed (and does not flip between polls). The survivor takes
    the place of the first entry with that id.
    """
    groups: dict[str, list[Any]] = {}
    for entry in map(dict, entries):  # plain lookups: FeedParserDict's are slow, and warn
        groups.setdefault(_entry_id(entry, url), []).append(entry)
    unique = []
    for source_id, group in groups.items():
        if len(group) > 1:
            skipped.append(
                SkippedItem(
                    source_id,
                    f"id: {len(group)} entries share this guid; kept the one updated last",
                )
            )
        unique.append((source_id, max(group, key=_freshness) if len(group) > 1 else group[0]))
    return unique


def _freshness(entry: Mapping[str, Any]) -> tuple[float, str]:
    """When the entry was last updated, then a hash of its content (to break ties)."""
    stamp = _timestamp(entry.get("updated_parsed")) or _timestamp(entry.get("published_parsed"))
    content = f"{entry.get('title') or ''}\x1f{_raw_body(entry)}"
    return stamp or 0.0, hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def _licence(entry: Mapping[str, Any]) -> str | None:
    """The entry's licence (``cc:license``, ``creativeCommons:license``, Atom
    ``link rel="license"``): an SPDX id for Creative Commons URLs, else as given."""
    value = entry.get("license")
    if not isinstance(value, str) or not value.strip():
        licences = [
            link.get("href")
            for link in entry.get("links") or []
            if isinstance(link, Mapping) and link.get("rel") == "license"
        ]
        value = next((v for v in licences if isinstance(v, str) and v.strip()), None)
    if value is None:
        return None
    found = _CC_LICENCE.search(value)
    if found is None:
        return value.strip()[:200]
    if found.group("kind") is None:
        return "CC0-1.0"
    return f"CC-{found.group('kind').upper()}-{found.group('version')}"


class _EntryReader:
    """Turns one feedparser entry into the dict of a record."""

    def __init__(
        self,
        options: RssOptions,
        url: str,
        tz: tzinfo,
        find_actor: ActorFinder | None,
        updated_is_published: bool = True,
        notes: list[str] | None = None,
    ) -> None:
        self.updated_is_published = updated_is_published
        self.notes = [] if notes is None else notes
        self.options = options
        self.url = url
        self.tz = tz
        self.find_actor = find_actor
        self.lang = options.language
        self.sectors = get_vocabulary("sectors")
        self.sdgs = get_vocabulary("sdg")
        self.resource_kinds = get_vocabulary("resource_kinds")

    def read(self, source_id: str, entry: Mapping[str, Any]) -> dict[str, Any]:
        title = plain_title(entry.get("title") or "")
        if not title:
            raise _Skip("title: the entry has none")
        description, text = self._description(entry)
        categories = [
            " ".join(str(tag.get("term") or tag.get("label") or "").split())
            for tag in entry.get("tags") or []
            if isinstance(tag, Mapping)
        ]
        categories = [c for c in categories if c]
        # What the French readers read: the title and the start of the text (the readers'
        # work grows with the text, and calls state their terms early).
        reading = f"{title}\n{text[:READ_LIMIT]}"
        about = "\n".join([reading, *categories])  # what themes and SDGs are found in
        folded = fold(about)
        # The folded text's words, once, for both vocabularies (fold() is the fast,
        # length-keeping fold the French readers use too).
        about_words = " ".join(_WORD.findall(folded))
        published = _instant(entry.get("published_parsed"), self.tz)
        updated = _instant(entry.get("updated_parsed"), self.tz)
        item: dict[str, Any] = {
            "source_id": source_id,
            "title": {self.lang: title},
            "description": {self.lang: description} if description else None,
            "url": absolute_http_url(entry.get("link"), self.url),
            "themes": self.sectors.match_words(about_words),
            "sdgs": [int(code) for code in self.sdgs.match_words(about_words)],
        }
        if self.options.kind == "call":
            # fold() keeps lengths, so the reading text's folded form is a prefix of about's.
            folded_reading = folded[: len(reading)]
            publication = published or (updated if self.updated_is_published else None)
            self._call(
                item, entry, reading, folded_reading, published or updated, publication, source_id
            )
        else:
            when = published or updated
            item.update(
                resource_kind=self._resource_kind(categories),
                published_on=when.date() if when else None,
                licence=_licence(entry),
                languages=[self.lang],
            )
        return item

    def _description(self, entry: Mapping[str, Any]) -> tuple[str | None, str]:
        """The entry's richest text (``content:encoded``, Atom content, else the summary),
        sanitised, and its plain text; ``(None, "")`` when nothing is left."""
        details = [c for c in entry.get("content") or [] if isinstance(c, Mapping)]
        summary = entry.get("summary_detail")
        if isinstance(summary, Mapping):
            details.append(summary)
        elif entry.get("summary"):
            details.append({"value": entry.get("summary"), "type": "text/html"})
        for detail in details:
            value = detail.get("value")
            if not isinstance(value, str) or not value.strip():
                continue
            base = absolute_http_url(detail.get("base"), self.url) or self.url
            if detail.get("type") == "text/plain":
                cleaned = plain_text_to_html(value)
            else:
                cleaned = sanitize(value, base)
            text = html_to_text(cleaned)
            if text:
                return cleaned, text
        return None, ""

    def _resource_kind(self, categories: list[str]) -> str:
        if self.options.resource_kind is not None:
            return self.options.resource_kind.value
        if self.options.kind == "resource":
            for category in categories:
                code = self.resource_kinds.normalize(category)
                if code is not None:
                    return code
        return ResourceKind.OTHER.value

    def _call(
        self,
        item: dict[str, Any],
        entry: Mapping[str, Any],
        text: str,
        folded: str,
        published_on: datetime | None,
        publication: datetime | None,
        source_id: str,
    ) -> None:
        """Add what a call for projects says: dates, amount, who may apply, funders.

        ``published_on`` is the record's publication date (the entry's published date, else
        its updated date); ``publication`` the date that places dates given without a year.
        """
        publication_day = publication.date() if publication else None
        opens_on, deadline = read_dates(text, published=publication_day, tz=self.tz, folded=folded)
        if (
            deadline is not None
            and published_on is not None
            and _ends_before(deadline, published_on)
        ):
            # A deadline before the publication is a date of something else, or a call
            # republished after it closed: it cannot be read as this call's deadline.
            self.notes.append(
                f"entry {source_id}: deadline {deadline.isoformat()} is before the entry's "
                f"publication ({published_on.isoformat()}); left out"
            )
            deadline = None
        item.update(
            published_on=published_on,
            opens_on=opens_on,
            deadline=deadline,
            amount=read_amount(text, folded),
            eligible_actor_types=read_actor_types(text, folded),
            funders=self._funders(entry, text, folded),
        )

    def _funders(self, entry: Mapping[str, Any], text: str, folded: str) -> list[dict[str, str]]:
        names = read_funders(text, folded)
        if not names:
            for value in (entry.get("publisher"), (entry.get("source") or {}).get("title")):
                if isinstance(value, str) and value.strip():
                    names = [plain_title(value)]
                    break
        if not names and self.options.funder:
            names = [self.options.funder]
        funders = []
        for name in names:
            actor = self.find_actor(name) if self.find_actor else None
            if actor is not None:
                funders.append({"id": actor.id, "name": actor.name, "role": "funder"})
            else:
                funders.append({"name": name, "role": "funder"})
        return funders


def _ends_before(deadline: date | datetime, published: datetime) -> bool:
    """Whether ``deadline`` (a whole day, or an instant) ends before ``published``."""
    if isinstance(deadline, datetime):
        return deadline < published
    return deadline < published.date()


class RssConnector(Connector[RssOptions]):
    """Reads an RSS or Atom feed of calls for projects (or of news, or of resources).

    Entries keep their identity across polls (guid, else link, else a hash of title, date
    and content). A feed shows only its latest entries, so an entry that leaves the feed is
    *not* withdrawn (``snapshot`` is false). A body that is an HTML page, empty, truncated
    or not a feed fails the source, keeping its stored records.
    """

    name: ClassVar[str] = "rss"
    record_type: ClassVar[type[Record]] = CallForProjects
    Options = RssOptions
    snapshot: ClassVar[bool] = False
    trust_ids: ClassVar[bool] = True

    def __init__(self, options: RssOptions) -> None:
        super().__init__(options)
        if options.kind != "call":
            self.record_type = Resource  # type: ignore[misc]

    def fetch(self, ctx: FetchContext) -> Iterator[Mapping[str, Any]]:
        """Fetch the feed (conditionally) and yield one dict per entry."""
        response = ctx.get(self.options.url)
        read = read_feed(
            response.content,
            url=response.url,
            options=self.options,
            timezone=ctx.timezone,
            content_type=response.headers.get("Content-Type"),
            find_actor=lambda name: ctx.find_actor(name=name),
        )
        if read.recovered:
            ctx.log.warning(
                "source %s: %s is not well-formed XML; read what could be read (%s)",
                ctx.source,
                response.url,
                read.recovered,
            )
        for note in read.notes:
            ctx.log.warning("source %s: %s", ctx.source, note)
        for skipped in read.skipped:
            ctx.skip(skipped.item, skipped.reason)
        yield from read.items
