"""``rrma campaign``: campaign editions as a regional coordinator follows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click
from rich.text import Text

from rrma_core.campaigns import (
    MISSING,
    EditionView,
    EventCheck,
    edition_figures,
    edition_view,
    editions,
    save_figures,
)
from rrma_core.charts import LANGS
from rrma_core.cli._output import format_option, print_data, print_table
from rrma_core.cli._state import CliState, console, pass_state

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


@click.group()
def campaign() -> None:
    """Follow campaign editions: organisers, what they miss, figures."""


@campaign.command("list")
@_LANG
@format_option()
@pass_state
def list_command(state: CliState, lang: str, fmt: str) -> None:
    """List the campaign editions, with their events (neither withdrawn nor cancelled)."""
    rows = editions(state.workspace(), lang=lang)
    if print_data(rows, fmt):
        return
    if not rows:
        click.echo("No campaign editions: no event names one.", err=True)
    else:
        print_table(rows, ["edition", "name", "year", "region", "events", "stored"])


def _gaps(view: EditionView, codes: tuple[str, ...]) -> str:
    return ", ".join(view.missing_label(c) for c in codes)


_SHOW_COLUMNS = ["start", "title", "commune", "dép.", "kind", "missing"]


def _show_row(view: EditionView, event: EventCheck) -> dict[str, Any]:
    missing = _gaps(view, event.missing)
    if event.status != "scheduled":
        missing = f"[{event.status}] {missing}".strip()
    return {
        "start": _when(event.start),
        "title": event.title,
        "commune": event.commune,
        "dép.": event.departement,
        "kind": event.kind,
        "missing": missing,
    }


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
        rows = [_show_row(view, event) for event in events]
        print_table(rows, _SHOW_COLUMNS)
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
@format_option(
    ["table", "csv", "json"], help="table for people, csv for a mail merge, json for programs."
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
    if print_data(rows, fmt):
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
    print_table(shown, columns)
    counts = {code: sum(r[code] for r in rows) for code in MISSING}
    summary = ", ".join(f"{view.missing_label(c)}: {n}" for c, n in counts.items() if n)
    click.echo(f"{len(rows)} to chase ({summary})", err=True)


@campaign.command("figures")
@click.argument("edition")
@_REGION
@_LANG
@format_option(
    ["json", "csv"], default="json", help="json, or csv (figure, label, value) for a spreadsheet."
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
