"""The ``rss`` connector: calls for projects, news and resources from RSS and Atom feeds.

Funders, ministries and networks publish their calls for projects (appels à projets) and
news as feeds. This connector reads RSS 0.9x, 1.0 and 2.0 and Atom with feedparser, on the
bytes the safe session fetched, and reads in each entry what French funders write: the
deadline, the amount, who may apply, themes and SDGs.

```toml
[[sources]]
name = "aap-region"
connector = "rss"
url = "https://www.region.example.fr/appels-a-projets/feed/"
funder = "Région Auvergne-Rhône-Alpes"   # when an entry names no funder
# kind = "call"                          # or "news", "resource"
```

See the documentation page ``docs/connectors/rss.md`` for every option and mapping.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.connectors import Connector
from rrma_rss._connector import FeedRead, RssConnector, RssOptions, read_feed
from rrma_rss._feed import NotAFeed

__all__ = ["FeedRead", "NotAFeed", "RssConnector", "RssOptions", "read_feed"]


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    """The ``rss`` connector."""
    return [RssConnector]
