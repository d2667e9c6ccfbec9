"""The ``ics`` connector: events from iCalendar feeds and files.

It reads web calendars as they are published (OpenAgenda's ``events.v2.ics``, Mobilizon's
``/@group/feed/ics``, Google Calendar, Nextcloud, WordPress agenda plugins) and local
``.ics`` files:

```toml
[[sources]]
name = "agenda-partenaire"
connector = "ics"
url = "https://openagenda.com/agendas/12345678/events.v2.ics"
campaign_edition = "festisol-2026"   # optional: set on every event
```

Each VEVENT becomes one [`Event`][rrma_core.models.Event]; a recurring one keeps its
instances as occurrences, unrolled within a window (30 days back, 365 ahead by default),
with rules that would explode refused before expansion. See the connector's documentation
page for every option and for how each property is read.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.connectors import Connector
from rrma_ics._connector import IcsConnector, IcsOptions

__all__ = ["IcsConnector", "IcsOptions"]


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    """The ``ics`` connector."""
    return [IcsConnector]
