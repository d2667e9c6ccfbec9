"""The ``openagenda`` connector: the events of an OpenAgenda agenda, through the API v2.

OpenAgenda is where many French local authorities and networks publish their programmes,
national campaigns included (Festival des Solidarités, Festival ALIMENTERRE...). The
connector reads one agenda's published events with a free read key, sent in the ``key``
header (never in the URL):

```toml
[[sources]]
name = "festisol-ara"
connector = "openagenda"
agenda = "12345678"                 # the agenda's uid
key_env = "OPENAGENDA_KEY"          # or key = "..."
campaign_edition = "festisol-2026"
campaign_keywords = { ALIMENTERRE = "alimenterre-2026" }
```

The first sync reads every event, page by page; later syncs ask only for what changed since
the last successful one, and withdraw the events removed from the agenda. See
``docs/connectors/openagenda.md`` for the mapping of every field.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.connectors import Connector
from rrma_openagenda._connector import (
    DEFAULT_BASE_URL,
    MAX_PAGES,
    PAGE_SIZE,
    OpenAgendaConnector,
    OpenAgendaOptions,
)
from rrma_openagenda._mapping import ATTENDANCE_MODES, STATUSES, permalink

__all__ = [
    "ATTENDANCE_MODES",
    "DEFAULT_BASE_URL",
    "MAX_PAGES",
    "PAGE_SIZE",
    "STATUSES",
    "OpenAgendaConnector",
    "OpenAgendaOptions",
    "permalink",
    "rrma_connectors",
]


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    """The connectors of this plugin: ``openagenda``."""
    return [OpenAgendaConnector]
