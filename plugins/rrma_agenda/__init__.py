"""The ``ics`` exporter: the network's agenda as an iCalendar file (RFC 5545).

What people subscribe to from their calendar (Thunderbird, Apple Calendar, Google Calendar,
Outlook) or import once, and what a website's agenda plugin reads:

```console
$ rrma export ics -o agenda.ics -O name="Agenda RESACOOP" -O domain=resacoop.org
```

```python
ws.export("ics", "agenda.ics", records=ws.events(upcoming=True), domain="resacoop.org")
```

One VEVENT per occurrence, with a UID that stays the same from one export to the next
(``<record id>-<n>@<domain>``), so clients update events rather than duplicate them; a
VTIMEZONE for every zone used (mainland, Antilles, Guyane, La Réunion, Mayotte...); all-day
events as dates; cancelled events as ``STATUS:CANCELLED``; HTML descriptions as plain text.
See ``docs/exports/agenda.md`` for every property, option and rule.
"""

from __future__ import annotations

from typing import Any

from rrma_agenda._exporter import IcsExporter, IcsOptions
from rrma_core import hookimpl
from rrma_core.exporters import Exporter

__all__ = ["IcsExporter", "IcsOptions"]


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``ics`` exporter."""
    return [IcsExporter]
