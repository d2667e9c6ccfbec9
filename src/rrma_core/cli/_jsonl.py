"""``rrma export jsonl`` and ``rrma import``: records as JSON Lines, in and out."""

from __future__ import annotations

import sys
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
@click.option("--lang", default="fr", show_default=True, help="Language of texts people read.")
@click.option("--withdrawn", is_flag=True, help="Include withdrawn records.")
@click.option("--personal-data", is_flag=True, help="Include personal data (left out otherwise).")
@click.option("-O", "--option", "options", multiple=True, metavar="KEY=VALUE",
              help="An exporter option (repeat); VALUE is JSON when it parses.")  # fmt: skip
@pass_state
def export(state: CliState, fmt: str, output: Path | None, types: tuple[str, ...], lang: str,
           withdrawn: bool, personal_data: bool, options: tuple[str, ...]) -> None:  # fmt: skip
    """Export the workspace's records in FORMAT (jsonl, or an exporter from a plugin).

    Personal data (contacts, trainers, trainees) is left out unless --personal-data is given.
    `rrma plugins` lists the installed exporters.
    """
    ws = state.workspace()
    models = [get_model(t) for t in types] or None
    parsed: dict[str, Any] = parse_options(options)
    target = output if output is not None else sys.stdout.buffer
    count = ws.export(
        fmt, target, models=models, lang=lang, personal_data=personal_data,
        include_withdrawn=withdrawn, **parsed,
    )  # fmt: skip
    if output is None:
        sys.stdout.flush()
    click.echo(f"Exported {count} records", err=True)


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
