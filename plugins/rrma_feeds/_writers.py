"""The RSS 2.0 and Atom (RFC 4287) documents, written entry by entry.

Each entry is written to the output as soon as it is made, so that a feed of 10,000 events
never exists as one string. Every text and attribute is escaped, and each chunk written (the
head, each entry) is rid of the characters XML 1.0 forbids: the document is well-formed
whatever the records hold.

Both formats also carry two widely read extensions: GeoRSS ``<georss:point>`` (an event's
venue, which feedparser reads as ``where``) and the RSS event module (``ev:startdate``,
``ev:enddate``, ``ev:location``, ``ev:organizer``, ``ev:type``) for events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import IO, Final

from rrma_feeds._entries import SCHEME, Category, Entry
from rrma_feeds._text import clean, xml_attr, xml_text

__all__ = ["ATOM_NS", "EV_NS", "GEORSS_NS", "FeedInfo", "write_atom", "write_rss"]

ATOM_NS: Final = "http://www.w3.org/2005/Atom"
GEORSS_NS: Final = "http://www.georss.org/georss"
EV_NS: Final = "http://purl.org/rss/1.0/modules/event/"
_RSS_DOCS: Final = "https://www.rssboard.org/rss-specification"
_GENERATOR_URI: Final = "https://github.com/rrma-core/rrma_core"


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a feed says about itself.

    Attributes:
        title: The feed's title.
        description: The RSS description, Atom subtitle.
        link: The web page the feed belongs to.
        self_url: Where the feed is published (self link; the Atom feed's id).
        lang: Its language tag.
        updated: When it was built (``ExportContext.now``).
        author: Who publishes it (the workspace's name).
        generator: The version of rrma_core that wrote it.
        tz: The time zone of the dates written.
    """

    title: str
    description: str
    link: str
    self_url: str
    lang: str
    updated: datetime
    author: str
    generator: str
    tz: tzinfo


_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _rfc822(moment: datetime, tz: tzinfo) -> str:
    """An RFC 822 date (as RSS wants it, with a four-digit year) in ``tz``."""
    local = moment.astimezone(tz)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year:04d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{hours:02d}{minutes:02d}"
    )


def _rfc3339(moment: datetime, tz: tzinfo) -> str:
    """An RFC 3339 date-time (as Atom wants it) in ``tz``, to the second."""
    return moment.astimezone(tz).isoformat(timespec="seconds")


class _Dates:
    """Formats date-times once each: many entries share their stored time."""

    def __init__(self, tz: tzinfo, fmt: Callable[[datetime, tzinfo], str]) -> None:
        self.tz = tz
        self.fmt = fmt
        self._done: dict[datetime, str] = {}

    def __call__(self, moment: datetime) -> str:
        text = self._done.get(moment)
        if text is None:
            text = self._done[moment] = self.fmt(moment, self.tz)
        return text


def _event_parts(entry: Entry, indent: str) -> list[str]:
    parts: list[str] = []
    if entry.point is not None:
        lat, lon = entry.point
        parts.append(f"{indent}<georss:point>{lat!r} {lon!r}</georss:point>\n")
    facts = entry.event
    if facts is not None:
        parts.append(f"{indent}<ev:startdate>{xml_text(facts.start)}</ev:startdate>\n")
        if facts.end is not None:
            parts.append(f"{indent}<ev:enddate>{xml_text(facts.end)}</ev:enddate>\n")
        if facts.location:
            parts.append(f"{indent}<ev:location>{xml_text(facts.location)}</ev:location>\n")
        if facts.organisers:
            parts.append(f"{indent}<ev:organizer>{xml_text(facts.organisers)}</ev:organizer>\n")
        parts.append(f"{indent}<ev:type>{xml_text(facts.kind)}</ev:type>\n")
    return parts


def _rss_category(category: Category) -> str:
    return (
        f'      <category domain="{xml_attr(category.scheme)}">'
        f"{xml_text(category.label)}</category>\n"
    )


def _atom_category(category: Category) -> str:
    return (
        f'    <category term="{xml_attr(category.term)}" scheme="{xml_attr(category.scheme)}" '
        f'label="{xml_attr(category.label)}"/>\n'
    )


class _Categories:
    """Writes each category once: most entries share their themes, kinds and funders."""

    def __init__(self, fmt: Callable[[Category], str]) -> None:
        self.fmt = fmt
        self._done: dict[Category, str] = {}

    def __call__(self, category: Category) -> str:
        text = self._done.get(category)
        if text is None:
            text = self._done[category] = self.fmt(category)
        return text


def write_rss(info: FeedInfo, entries: Iterable[Entry], out: IO[bytes]) -> int:
    """Write an RSS 2.0 document; return how many items it holds."""
    tz = info.tz
    rfc822 = _Dates(tz, _rfc822)
    category = _Categories(_rss_category)
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rss version="2.0" xmlns:atom="{ATOM_NS}" xmlns:georss="{GEORSS_NS}" '
        f'xmlns:ev="{EV_NS}">\n'
        "  <channel>\n"
        f"    <title>{xml_text(info.title)}</title>\n"
        f"    <link>{xml_text(info.link)}</link>\n"
        f"    <description>{xml_text(info.description)}</description>\n"
        f"    <language>{xml_text(info.lang)}</language>\n"
        f"    <lastBuildDate>{_rfc822(info.updated, tz)}</lastBuildDate>\n"
        f"    <generator>{xml_text(info.generator)}</generator>\n"
        f"    <docs>{_RSS_DOCS}</docs>\n"
        f'    <atom:link href="{xml_attr(info.self_url)}" rel="self" '
        'type="application/rss+xml"/>\n'
    )
    out.write(clean(head).encode())
    count = 0
    for entry in entries:
        parts = ["    <item>\n      <title>", xml_text(entry.title), "</title>\n"]
        if entry.link:
            parts += ["      <link>", xml_text(entry.link), "</link>\n"]
        parts += ["      <description>", xml_text(entry.html), "</description>\n"]
        parts += [category(c) for c in entry.categories]
        parts += [
            f'      <guid isPermaLink="false">{xml_text(entry.id)}</guid>\n'
            f"      <pubDate>{rfc822(entry.published)}</pubDate>\n"
        ]
        if entry.point is not None or entry.event is not None:
            parts += _event_parts(entry, "      ")
        parts.append("    </item>\n")
        out.write(clean("".join(parts)).encode())
        count += 1
    out.write(b"  </channel>\n</rss>\n")
    return count


def write_atom(info: FeedInfo, entries: Iterable[Entry], out: IO[bytes]) -> int:
    """Write an Atom (RFC 4287) document; return how many entries it holds."""
    tz = info.tz
    rfc3339 = _Dates(tz, _rfc3339)
    category = _Categories(_atom_category)
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="{ATOM_NS}" xmlns:georss="{GEORSS_NS}" xmlns:ev="{EV_NS}" '
        f'xml:lang="{xml_attr(info.lang)}">\n'
        f"  <id>{xml_text(info.self_url)}</id>\n"
        f'  <title type="text">{xml_text(info.title)}</title>\n'
        f'  <subtitle type="text">{xml_text(info.description)}</subtitle>\n'
        f"  <updated>{_rfc3339(info.updated, tz)}</updated>\n"
        f'  <link rel="alternate" type="text/html" href="{xml_attr(info.link)}"/>\n'
        f'  <link rel="self" type="application/atom+xml" href="{xml_attr(info.self_url)}"/>\n'
        f"  <author><name>{xml_text(info.author)}</name></author>\n"
        f'  <generator uri="{_GENERATOR_URI}">{xml_text(info.generator)}</generator>\n'
    )
    out.write(clean(head).encode())
    count = 0
    for entry in entries:
        parts = [
            f'  <entry>\n    <id>{xml_text(SCHEME + entry.id)}</id>\n    <title type="text">',
            xml_text(entry.title),
            f"</title>\n    <published>{rfc3339(entry.published)}</published>\n"
            f"    <updated>{rfc3339(entry.updated)}</updated>\n",
        ]
        if entry.link:
            parts.append(
                f'    <link rel="alternate" type="text/html" href="{xml_attr(entry.link)}"/>\n'
            )
        parts += [category(c) for c in entry.categories]
        parts += ['    <content type="html">', xml_text(entry.html), "</content>\n"]
        if entry.point is not None or entry.event is not None:
            parts += _event_parts(entry, "    ")
        parts.append("  </entry>\n")
        out.write(clean("".join(parts)).encode())
        count += 1
    out.write(b"</feed>\n")
    return count
