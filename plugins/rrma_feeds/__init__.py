"""The ``rss`` and ``atom`` exporters: calls for projects and events as RSS 2.0 and Atom feeds.

What a network relays goes back out to the feed readers, websites and aggregators that
already follow RSS: its calls for projects by deadline (soonest first, calls without one
last), each entry giving the deadline, funders, amount and eligible applicants; and its
agenda by date, each event giving its dates and times in the workspace's time zone and its
place. A feed may mix both (by date), or keep one kind with the ``kind`` option.

```console
$ rrma export rss --type CallForProjects -o appels.rss -O link=https://www.mon-reseau.example/
$ rrma export atom --upcoming -O kind=events -o agenda.atom \\
    -O feed_url=https://www.mon-reseau.example/agenda.atom
```

```python
ws.export("rss", "appels.rss", records=ws.calls(open_on=date.today()), kind="calls",
          link="https://www.mon-reseau.example/")
```

The documents are written with the standard library, entry by entry. Every text is made
safe first: characters that XML 1.0 forbids are removed, descriptions are sanitised HTML
(escaped in RSS ``<description>``, ``type="html"`` in Atom ``<content>``), and ids are the
records' own (RSS ``<guid isPermaLink="false">``, Atom ``urn:rrma:<id>``), so that readers
update an entry rather than show it twice. The same records, language and
``ExportContext.now`` give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import IO, Any, ClassVar
from urllib.parse import urljoin

import rrma_core
from rrma_core import hookimpl
from rrma_core.exporters import ExportContext, Exporter
from rrma_core.models import CallForProjects, Event, Record
from rrma_feeds._entries import Entry, EntryMaker, sort_key
from rrma_feeds._i18n import words_for
from rrma_feeds._options import PLACEHOLDER_LINK, FeedOptions
from rrma_feeds._text import clean, plain_title
from rrma_feeds._writers import FeedInfo, write_atom, write_rss

__all__ = ["PLACEHOLDER_LINK", "AtomExporter", "FeedExporter", "FeedOptions", "RssExporter"]


class FeedExporter(Exporter[FeedOptions]):
    """What the RSS and Atom exporters share: choosing, sorting and describing the entries."""

    name: ClassVar[str] = "feed"
    record_types: ClassVar[tuple[type[Record], ...]] = (CallForProjects, Event)
    Options = FeedOptions
    #: The file extension of the default self link (``calls.rss``...).
    feed_suffix: ClassVar[str] = ""

    def export(self, records: Iterable[Record], out: IO[bytes], ctx: ExportContext) -> int:
        """Write the feed of ``records`` (calls for projects and events) to ``out``.

        Records of other models are ignored, and so are those of the kind not chosen by
        the ``kind`` option. Returns the number of entries written.
        """
        options = self.options
        chosen = [r for r in records if isinstance(r, self.record_types)]
        if options.kind is not None:
            wanted = CallForProjects if options.kind == "calls" else Event
            chosen = [r for r in chosen if isinstance(r, wanted)]
        kinds = {"calls" if isinstance(r, CallForProjects) else "events" for r in chosen}
        kind = options.kind or (kinds.pop() if len(kinds) == 1 else "mixed")
        tz = ctx.timezone
        chosen.sort(key=lambda record: sort_key(record, tz))
        if options.limit is not None:
            del chosen[options.limit :]
        return self.write(self.feed_info(ctx, kind), self._entries(chosen, ctx), out)

    def feed_info(self, ctx: ExportContext, kind: str) -> FeedInfo:
        """The feed's own title, description, links, language and build time."""
        options, words = self.options, words_for(ctx.lang)
        workspace = clean(ctx.workspace).strip()
        self_name = kind if kind != "mixed" else "feed"
        now = ctx.now if ctx.now.utcoffset() is not None else ctx.now.replace(tzinfo=UTC)
        return FeedInfo(
            title=plain_title(options.title or words[f"title.{kind}"].format(workspace=workspace)),
            description=options.description
            or words[f"description.{kind}"].format(workspace=workspace),
            link=options.link,
            self_url=options.feed_url or urljoin(options.link, self_name + self.feed_suffix),
            lang=ctx.lang,
            updated=now,
            author=workspace,
            generator=f"rrma_core {rrma_core.__version__}",
            tz=ctx.timezone,
        )

    def _entries(self, records: list[Record], ctx: ExportContext) -> Iterator[Entry]:
        maker = EntryMaker(ctx, self.options)
        for record in records:
            yield maker.entry(record)

    def write(self, info: FeedInfo, entries: Iterable[Entry], out: IO[bytes]) -> int:
        """Write the document; return how many entries it holds."""
        raise NotImplementedError


class RssExporter(FeedExporter):
    """Writes an RSS 2.0 feed of calls for projects and/or events (``rrma export rss``)."""

    name: ClassVar[str] = "rss"
    media_type: ClassVar[str] = "application/rss+xml"
    extension: ClassVar[str] = ".rss"
    feed_suffix: ClassVar[str] = ".rss"

    def write(self, info: FeedInfo, entries: Iterable[Entry], out: IO[bytes]) -> int:
        """Write an RSS 2.0 document."""
        return write_rss(info, entries, out)


class AtomExporter(FeedExporter):
    """Writes an Atom (RFC 4287) feed of calls for projects and/or events
    (``rrma export atom``)."""

    name: ClassVar[str] = "atom"
    media_type: ClassVar[str] = "application/atom+xml"
    extension: ClassVar[str] = ".atom"
    feed_suffix: ClassVar[str] = ".atom"

    def write(self, info: FeedInfo, entries: Iterable[Entry], out: IO[bytes]) -> int:
        """Write an Atom document."""
        return write_atom(info, entries, out)


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``rss`` and ``atom`` exporters."""
    return [RssExporter, AtomExporter]
