"""The options of the ``rss`` and ``atom`` exporters."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from rrma_core.connectors import Options

__all__ = ["PLACEHOLDER_LINK", "FeedOptions"]

#: The feed's link when none is given: a reserved example domain (RFC 2606), so that a feed
#: published without ``link`` points nowhere rather than somewhere wrong.
PLACEHOLDER_LINK = "https://example.org/"


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{value!r} is not an http or https URL")
    if any(c.isspace() or ord(c) < 0x20 for c in value):
        raise ValueError(f"{value!r} holds spaces or control characters")
    return value


class FeedOptions(Options):
    """Options of the ``rss`` and ``atom`` exporters (``-O key=value`` on the command line)."""

    kind: Literal["calls", "events"] | None = Field(
        default=None,
        description='"calls" or "events": only those records (and the matching default title); '
        "default: whatever records are given, calls and events mixed by date.",
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        description='The feed\'s title; default "<workspace> — appels à projets" (or '
        '"— agenda"), in English with lang="en".',
    )
    description: str | None = Field(
        default=None, min_length=1, description="The feed's description (RSS) or subtitle (Atom)."
    )
    link: str = Field(
        default=PLACEHOLDER_LINK,
        description="The web page the feed belongs to (the network's site); a placeholder "
        "(https://example.org/) when not given.",
    )
    feed_url: str | None = Field(
        default=None,
        description="Where the feed itself will be published (the self link, and the Atom "
        "feed's id); default: calls.rss, events.atom... next to link.",
    )
    date_in_title: bool = Field(
        default=True,
        description="Add the deadline (calls) or the first day (events) to entry titles.",
    )
    limit: int | None = Field(
        default=None, ge=1, description="Write only the first N entries (after sorting)."
    )

    @field_validator("link", "feed_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return _http_url(value)
