"""How the ``rrma`` commands print: the ``--format`` option, rows as a table, JSON or CSV, and
the progress bar of long commands."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rrma_core.cli._state import console, write_csv

__all__ = ["cell", "format_option", "print_data", "print_rows", "print_table", "progress_bar"]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "csv")
FORMAT_HELP = "table for people, json or csv for programs and spreadsheets."


def format_option(
    choices: Sequence[str] = FORMATS, default: str = "table", help: str | None = FORMAT_HELP
) -> Callable[[F], F]:
    """The ``--format`` option (its value is passed as ``fmt``)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


def cell(value: Any) -> str:
    """A value as the text of a table or CSV cell: ``""`` for none, ``yes``/``no`` for a flag."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def print_data(rows: list[dict[str, Any]], fmt: str) -> bool:
    """Print ``rows`` as JSON or CSV for ``fmt`` ``json`` or ``csv``.

    Returns:
        ``False`` (printing nothing) for another format: the command draws its table.
    """
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        click.echo(write_csv([{k: cell(v) for k, v in r.items()} for r in rows]), nl=False)
    else:
        return False
    return True


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print the ``columns`` of ``rows`` as a table on stdout (headed ``headers``, else the
    column names). Cells are plain text: a ``[reporté]`` in a title is not rich markup."""
    table = Table(*(headers or columns), title=title)
    for row in rows:
        table.add_row(*(Text(cell(row[c])) for c in columns))
    console().print(table)


def print_rows(rows: list[dict[str, Any]], fmt: str, empty: str) -> None:
    """Print ``rows`` as ``fmt`` (a table of all their columns, JSON or CSV); a table of no
    rows is the message ``empty`` on stderr."""
    if print_data(rows, fmt):
        return
    if not rows:
        click.echo(empty, err=True)
        return
    print_table(rows, list(rows[0]))


def progress_bar(label: str, *, disable: bool = False) -> Progress:
    """The progress bar of a long command, on stderr and only on a terminal (gone when done).

    Used as ``with progress_bar("sync") as progress:``, with ``progress.add_task``. It is
    redrawn on each update (``refresh=True``), not by a thread of its own: a large sync forks
    child processes only when no other thread runs (see ``rrma_core.sync``).
    """
    err = console(err=True)
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        auto_refresh=False,
        disable=disable or not err.is_terminal,
    )
