"""The ``festival`` connector and exporters: national campaigns' programmes as spreadsheets.

No national platform publishes the programme of Festival ALIMENTERRE, the Festival des
Solidarités (Festisol), the Mois de l'ESS or Migrant'scène in a machine format, so regional
coordinators gather local organisers' programmes as spreadsheets. The ``festival`` connector
reads one (CSV or XLSX, UTF-8 or Windows-1252, ``;`` or ``,``) for a campaign edition; the
``festival-csv`` and ``festival-xlsx`` exporters write the consolidated regional programme
back in the same layout, for the national organiser.

```toml
[[sources]]
name = "alimenterre-2026"
connector = "festival"
path = "programmes/alimenterre-2026.csv"   # or url = "https://..."
campaign = "alimenterre"
edition = 2026
```

Each row becomes an [`Event`][rrma_core.models.Event] with
``campaign_edition = "alimenterre-2026"``. See ``docs/connectors/festival.md`` for every
column, option and rule.
"""

from __future__ import annotations

from typing import Any

from rrma_core import hookimpl
from rrma_core.connectors import Connector
from rrma_core.exporters import Exporter
from rrma_festival._columns import COLUMNS, Column
from rrma_festival._connector import FestivalConnector, FestivalOptions
from rrma_festival._export import FestivalCsvExporter, FestivalExportOptions, FestivalXlsxExporter

__all__ = [
    "COLUMNS",
    "Column",
    "FestivalConnector",
    "FestivalCsvExporter",
    "FestivalExportOptions",
    "FestivalOptions",
    "FestivalXlsxExporter",
]


@hookimpl
def rrma_connectors() -> list[type[Connector[Any]]]:
    """The ``festival`` connector."""
    return [FestivalConnector]


@hookimpl
def rrma_exporters() -> list[type[Exporter[Any]]]:
    """The ``festival-csv`` and ``festival-xlsx`` exporters."""
    return [FestivalCsvExporter, FestivalXlsxExporter]
