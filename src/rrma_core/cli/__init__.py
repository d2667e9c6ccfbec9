"""The ``rrma`` command line."""

from __future__ import annotations

import sys
from typing import Any

import click

from rrma_core import __version__
from rrma_core.cli._schema import schema
from rrma_core.cli._vocab import vocab
from rrma_core.errors import RrmaError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="rrma")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """rrma: tools for the Réseaux Régionaux Multi-Acteurs' data.

    Models, vocabularies and JSON Schemas of the networks' world: actors, multi-actor spaces,
    events, campaigns, trainings, calls for projects, resources and observations.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


cli.add_command(schema)
cli.add_command(vocab)


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; an rrma_core error prints one line (the traceback only with ``--debug``)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        return cli.main(args=args, prog_name="rrma", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
    except RrmaError as error:
        if "--debug" in args:
            raise
        click.secho(f"Error: {error}", err=True, fg="red")
        sys.exit(2)
