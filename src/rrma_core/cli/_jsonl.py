"""``rrma export jsonl`` and ``rrma import``: records as JSON Lines, in and out."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from rrma_core.cli._state import CliState, parse_options, pass_state
from rrma_core.errors import RrmaError
from rrma_core.models import get_model


@click.command("export")
@click.argument("fmt", metavar="FORMAT")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")  # fmt: skip
@click.option("--type", "types", multiple=True, help="Only this model (Event, Actor...; repeat).")
@click.option("--upcoming", is_flag=True, help="Events: only those not over yet.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="Events: on or after this day.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Events: on or before this day.")
@click.option("--region", multiple=True, help="Events, actors: région code (repeat).")
@click.option("--departement", multiple=True, help="Events, actors: département code.")
@click.option("--campaign", multiple=True, help="Events: campaign edition or code.")
@click.option("--theme", multiple=True, help="Sector code or label.")
@click.option("--sdg", multiple=True, help="SDG number.")
@click.option("--open-on", type=click.DateTime(["%Y-%m-%d"]), help="Calls: open on this day.")
@click.option("--open", "open_now", is_flag=True, help="Calls: open today.")
@click.option("--funder", multiple=True, help="Calls: funder name.")
@click.option("--country", multiple=True, help="Calls, actors: country code.")
@click.option("--actor-type", multiple=True, help="Actors: type (association...).")
@click.option("--lang", default="fr", show_default=True, help="Language of texts people read.")
@click.option("--withdrawn", is_flag=True, help="Include withdrawn records.")
@click.option("--personal-data", is_flag=True, help="Include personal data (left out otherwise).")
@click.option("-O", "--option", "options", multiple=True, metavar="KEY=VALUE",
              help="An exporter option (repeat); VALUE is JSON when it parses.")  # fmt: skip
@pass_state
def export(state: CliState, fmt: str, output: Path | None, types: tuple[str, ...],
           upcoming: bool, start: datetime | None, end: datetime | None,
           region: tuple[str, ...], departement: tuple[str, ...], campaign: tuple[str, ...],
           theme: tuple[str, ...], sdg: tuple[str, ...], open_on: datetime | None,
           open_now: bool, funder: tuple[str, ...], country: tuple[str, ...],
           actor_type: tuple[str, ...], lang: str, withdrawn: bool, personal_data: bool,
           options: tuple[str, ...]) -> None:  # fmt: skip
    """Export the workspace's records in FORMAT (`rrma plugins` lists the exporters).

    Built in: ics, rss, atom, digest, csv, jsonl, jsonld, geojson, datapackage. The filters
    are the query commands' and apply to the models that have them (an event's
    département, a call's opening...). Personal data (contacts, trainers, trainees) is left
    out unless --personal-data is given.
    """
    ws = state.workspace()
    models = [get_model(t) for t in types] or None
    today = datetime.now(ws.timezone).date()
    where: dict[str, Any] = {
        "upcoming": upcoming,
        "start": start.date() if start else None,
        "end": end.date() if end else None,
        "region": region,
        "departement": departement,
        "campaign": campaign,
        "theme": theme,
        "sdg": sdg,
        "open_on": open_on.date() if open_on else (today if open_now else None),
        "funder": funder,
        "country": country,
        "type": actor_type,
    }
    parsed: dict[str, Any] = parse_options(options)
    target = output if output is not None else sys.stdout.buffer
    count = ws.export(
        fmt, target, models=models, lang=lang, personal_data=personal_data,
        include_withdrawn=withdrawn, where=where, **parsed,
    )  # fmt: skip
    if output is None:
        sys.stdout.flush()
    click.echo(f"Exported {count} record{'' if count == 1 else 's'}", err=True)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="import", show_default=True,
              help="Name the lines' source in error messages.")  # fmt: skip
@pass_state
def import_(state: CliState, path: Path, source: str) -> None:
    """Add or update records from a JSON Lines file written by `rrma export jsonl`.

    Every line is checked first: if any is invalid, nothing is stored and each problem is
    listed (exit status 1).
    """
    ws = state.workspace()
    with path.open(encoding="utf-8") as lines:
        count, problems = ws.import_jsonl(lines, source=source)
    if problems:
        for problem in problems:
            click.secho(problem, err=True, fg="red")
        raise RrmaError(f"{len(problems)} invalid lines in {path}: nothing was imported")
    click.echo(f"Imported {count} records from {path}")
