"""What the report templates show (sections, charts, tables, key figures) and the Jinja2
environment that renders them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from rrma_core.charts import format_number, to_data_uri

__all__ = [
    "Chart",
    "KeyFigure",
    "ProgressCallback",
    "Section",
    "Table",
    "cell",
    "image",
    "render",
]

#: Called as the report is made: ``progress(what, done, total)``, ``done`` out of ``total``
#: steps (an indicator with its chart, a map...) finished.
ProgressCallback = Callable[[str, int, int], None]

TEMPLATES = Path(__file__).parent / "templates"

#: At most this many rows in a table under a chart (the chart shows them all).
MAX_ROWS = 15


@dataclass
class Table:
    """A table of a report: headers and rows of formatted cells.

    Attributes:
        headers: The column headers.
        rows: The rows, each a list of cells already written as text.
        numeric: Which columns hold numbers (aligned right).
        more: How many rows were left out (``MAX_ROWS`` at most are shown).
    """

    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    more: int = 0

    @classmethod
    def of(cls, headers: Sequence[str], rows: Sequence[Sequence[Any]], lang: str) -> Table:
        """A table whose numbers are written for ``lang``, the first ``MAX_ROWS`` rows shown."""
        shown = [[cell(value, lang) for value in row] for row in rows[:MAX_ROWS]]
        numeric = [
            any(isinstance(row[i], int | float) and not isinstance(row[i], bool) for row in rows)
            for i in range(len(headers))
        ]
        return cls(list(headers), shown, numeric, max(len(rows) - MAX_ROWS, 0))


@dataclass
class Chart:
    """A chart of a report, with its table and notes.

    Attributes:
        id: The anchor of the chart in the page.
        title: Its heading.
        image: The chart as a ``data:`` URI (``None`` when there is nothing to draw).
        alt: The image's text alternative.
        table: The figures as a table.
        notes: Notes under the chart (the totals rule...).
        empty: Shown instead of the chart when there is no data.
    """

    id: str
    title: str
    image: str | None = None
    alt: str = ""
    table: Table | None = None
    notes: list[str] = field(default_factory=list)
    empty: str | None = None


@dataclass
class Section:
    """A section of a report: a heading, an introduction, its charts (or a "no data" text).

    Attributes:
        id: The anchor of the section.
        title: Its heading.
        intro: The sentence under the heading.
        charts: Its charts.
        empty: Shown instead of the charts when the section has no data.
    """

    id: str
    title: str
    intro: str = ""
    charts: list[Chart] = field(default_factory=list)
    empty: str | None = None


@dataclass
class KeyFigure:
    """One of the key figures at the top of a report.

    Attributes:
        value: The figure, written for the language.
        label: What it counts.
        change: The change from the year before (``None`` without figures for it).
    """

    value: str
    label: str
    change: str | None = None


def cell(value: Any, lang: str) -> str:
    """A table cell: numbers written for ``lang``, missing values as ``–``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, lang)
    if hasattr(value, "item"):  # numpy scalars
        return cell(value.item(), lang)
    return str(value)


def image(fig: Any) -> str:
    """A figure as a PNG ``data:`` URI, its memory freed."""
    try:
        return to_data_uri(fig, "png")
    finally:
        fig.clear()


_ENVIRONMENT: Environment | None = None


def environment() -> Environment:
    """The Jinja2 environment of the reports (autoescaped; an undefined name is an error)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _ENVIRONMENT


def render(template: str, **context: Any) -> str:
    """The report ``template`` filled with ``context``."""
    return environment().get_template(template).render(**context)
