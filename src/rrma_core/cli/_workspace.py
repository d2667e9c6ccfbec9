"""``rrma init`` and ``rrma sources``: create a workspace and manage its sources."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from rrma_core.cli._state import CliState, console, parse_options, pass_state

_SECRET = ("key", "token", "password", "secret")


def masked(options: dict[str, object]) -> dict[str, object]:
    """Options with secrets (keys, tokens, passwords) hidden, for printing."""
    return {
        k: "***" if any(word in k.lower() for word in _SECRET) and v else v
        for k, v in options.items()
    }


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--name", required=True, help="The network's name.")
@click.option("--region", help="INSEE code of the network's region (84, 28, 01...).")
@click.option(
    "--database",
    default="sqlite:///rrma.db",
    show_default=True,
    help="SQLAlchemy URL: SQLite in the workspace, or postgresql+psycopg://... for a shared one.",
)
@pass_state
def init(
    state: CliState, directory: Path | None, name: str, region: str | None, database: str
) -> None:
    """Create a workspace in DIRECTORY (default: the --workspace folder)."""
    from rrma_core.workspace import Workspace

    target = directory or state.workspace_dir
    with Workspace.init(target, name=name, region=region, database=database) as ws:
        click.echo(f"Created workspace {ws.name!r} in {ws.root} (time zone {ws.timezone.key})")


@click.group()
def sources() -> None:
    """List, add and remove the workspace's sources."""


@sources.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_state
def sources_list(state: CliState, fmt: str) -> None:
    """List the sources, with the state of their last sync."""
    ws = state.workspace()
    stored = {s.name: s for s in ws.store.sources()}
    rows = []
    for source in ws.sources:
        last = stored.get(source.name)
        rows.append(
            {
                "name": source.name,
                "connector": source.connector,
                "enabled": source.enabled,
                "options": masked(source.options),
                "last_run": last.last_run_at.isoformat() if last and last.last_run_at else None,
                "last_status": last.last_status if last else None,
                "last_error": last.last_error if last else None,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name", "connector", "enabled", "last run", "status")
    for row in rows:
        table.add_row(
            Text(str(row["name"])),
            Text(str(row["connector"])),
            "yes" if row["enabled"] else "no",
            str(row["last_run"] or "never")[:19],
            str(row["last_status"] or ""),
        )
    console().print(table)


@sources.command("add")
@click.argument("name")
@click.argument("connector")
@click.option(
    "-o",
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A connector option (repeat); VALUE is read as JSON when it parses, else as text.",
)
@pass_state
def sources_add(state: CliState, name: str, connector: str, options: tuple[str, ...]) -> None:
    """Add source NAME read by CONNECTOR, checking its options."""
    state.workspace().add_source(name, connector, **parse_options(options))
    click.echo(f"Added source {name!r} ({connector})")


@sources.command("remove")
@click.argument("name")
@pass_state
def sources_remove(state: CliState, name: str) -> None:
    """Remove source NAME from rrma.toml (its stored records stay)."""
    state.workspace().remove_source(name)
    click.echo(f"Removed source {name!r}")
