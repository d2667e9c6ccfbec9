"""``rrma campaign``: campaign editions as a regional coordinator follows them."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from rrma_core.campaigns import (
    MISSING,
    EditionView,
    edition_figures,
    edition_view,
    editions,
    save_figures,
)
from rrma_core.charts import LANGS
from rrma_core.cli._state import CliState, console, pass_state, write_csv

__all__ = ["campaign"]

_REGION = click.option(
    "--region", help="The région of the view of a national edition (default: the workspace's)."
)
_LANG = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="fr",
    show_default=True,
    help="The language of names and labels.",
)


def _when(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _as_data(rows: list[dict[str, Any]], fmt: str) -> bool:
    """Print ``rows`` as JSON or CSV for ``fmt`` ``json`` or ``csv``; ``False`` for a table,
    which the command draws."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(write_csv([{k: _cell(v) for k, v in r.items()} for r in rows]), nl=False)
    else:
        return False
    return True


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(*columns)
    for row in rows:
        table.add_row(*(Text(_cell(row[c])) for c in columns))
    console().print(table)


@click.group()
def campaign() -> None:
    """Follow campaign editions: organisers, what they miss, figures."""


@campaign.command("list")
@_LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people, json or csv for programs and spreadsheets.",
)
@pass_state
def list_command(state: CliState, lang: str, fmt: str) -> None:
    """List the campaign editions, with their events (neither withdrawn nor cancelled)."""
    rows = editions(state.workspace(), lang=lang)
    if _as_data(rows, fmt):
        return
    if not rows:
        click.echo("No campaign editions: no event names one.", err=True)
    else:
        _table(rows, ["edition", "name", "year", "region", "events", "stored"])


def _gaps(view: EditionView, codes: tuple[str, ...]) -> str:
    return ", ".join(view.missing_label(c) for c in codes)


@campaign.command("show")
@click.argument("edition")
@_REGION
@_LANG
@pass_state
def show(state: CliState, edition: str, region: str | None, lang: str) -> None:
    """Show EDITION's organisers, their events and what each misses.

    EDITION is an edition id, national (alimenterre-2026) or regional (alimenterre-2026-84).
    """
    view = edition_view(state.workspace(), edition, region=region, lang=lang)
    out = console()
    where = f" ({view.region})" if view.region else ""
    out.print(Text(f"{view.campaign_name} {view.edition.year}{where}", style="bold"))
    groups: list[tuple[str, tuple[str, ...], Any]] = [
        (o.name + (f" [{o.id}]" if o.id else ""), o.missing, o.events) for o in view.organisers
    ]
    if view.orphans:
        groups.append((view.missing_label("no-organiser"), (), view.orphans))
    for title, own, events in groups:
        out.print()
        head = Text(title, style="bold")
        if own:
            head.append(f"  — {_gaps(view, own)}", style="yellow")
        out.print(head)
        table = Table("start", "title", "commune", "dép.", "kind", "missing")
        for event in events:
            missing = _gaps(view, event.missing)
            if event.status != "scheduled":
                missing = f"[{event.status}] {missing}".strip()
            table.add_row(
                *(
                    Text(c)
                    for c in (
                        _when(event.start),
                        event.title,
                        event.commune or "",
                        event.departement or "",
                        event.kind,
                        missing,
                    )
                )
            )
        out.print(table)
    counted = sum(1 for o in view.organisers if o.events)
    click.echo(
        f"{counted} organiser{'' if counted == 1 else 's'}, "
        f"{len(view.orphans)} event(s) without organiser",
        err=True,
    )


@campaign.command("missing")
@click.argument("edition")
@_REGION
@_LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for people, csv for a mail merge, json for programs.",
)
@click.option(
    "--with-contacts",
    is_flag=True,
    help="Add the organisers' contact persons (personal data).",
)
@pass_state
def missing(
    state: CliState, edition: str, region: str | None, lang: str, fmt: str, with_contacts: bool
) -> None:
    """The chase list of EDITION: each organiser that misses something, and what.

    Organisers whose events are complete are left out. The organisation's own e-mail
    address is always given; contact persons only with --with-contacts.
    """
    view = edition_view(
        state.workspace(), edition, region=region, lang=lang, personal_data=with_contacts
    )
    rows = view.chase_list()
    if _as_data(rows, fmt):
        return
    if not rows:
        click.echo("Nothing missing: every organiser's events are complete.", err=True)
        return
    shown = [
        {
            **row,
            "organiser": row["organiser"] or view.missing_label("no-organiser"),
        }
        for row in rows
    ]
    columns = ["organiser", "email", "events", "incomplete", "missing"]
    if with_contacts:
        columns.append("contacts")
    _table(shown, columns)
    counts = {code: sum(r[code] for r in rows) for code in MISSING}
    summary = ", ".join(f"{view.missing_label(c)}: {n}" for c, n in counts.items() if n)
    click.echo(f"{len(rows)} to chase ({summary})", err=True)


@campaign.command("figures")
@click.argument("edition")
@_REGION
@_LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json, or csv (figure, label, value) for a spreadsheet.",
)
@click.option("--save", is_flag=True, help="Store the figures in the edition's record.")
@pass_state
def figures(
    state: CliState, edition: str, region: str | None, lang: str, fmt: str, save: bool
) -> None:
    """The figures of EDITION for the national organiser (events, organisers, communes...).

    With --save they are stored in the edition's record (created if needed), keeping the
    figures it already holds that are not computed (such as an attendance).
    """
    ws = state.workspace()
    computed = edition_figures(ws, edition, region=region)
    if fmt == "json":
        click.echo(computed.to_json())
    else:
        click.echo(computed.to_csv(lang, ws.vocabularies), nl=False)
    if save:
        record = save_figures(ws, computed)
        click.echo(f"Saved {len(record.figures)} figures in {record.id}", err=True)
