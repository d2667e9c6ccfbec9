"""``rrma sync``: bring the sources in, with a progress bar and a summary."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from rrma_core.cli._output import progress_bar
from rrma_core.cli._state import CliState, console, pass_state
from rrma_core.sync import SourceReport, SyncReport


@click.command()
@click.option("-s", "--source", "names", multiple=True, help="Sync only this source (repeat).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def sync(state: CliState, names: tuple[str, ...], as_json: bool) -> None:
    """Sync the sources (all enabled ones by default) into the workspace.

    Exit status: 0 when every source succeeded, 1 when any failed (after the others ran),
    2 for a usage or configuration error.
    """
    ws = state.workspace()
    chosen = ws.check_sources(names or None)
    with progress_bar("sync", disable=as_json) as progress:
        task = progress.add_task("", total=len(chosen))

        def on_progress(source: str, event: str, report: SourceReport | None) -> None:
            if event == "start":
                progress.update(task, description=source, refresh=True)
            elif event == "done":
                progress.update(task, advance=1, refresh=True)

        report = ws.sync([s.name for s in chosen], progress=on_progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    if not report.ok:
        sys.exit(1)


def print_report(report: SyncReport) -> None:
    """The summary table of a sync, then each skipped item and error."""
    table = Table(
        "source", "status", "fetched", "new", "updated", "unchanged", "withdrawn", "skipped"
    )
    styles = {"ok": "green", "not-modified": "cyan", "failed": "red"}
    for s in report.sources:
        table.add_row(
            Text(s.source),
            f"[{styles[s.status]}]{s.status}[/]",
            *(
                str(n)
                for n in (s.fetched, s.new, s.updated, s.unchanged, s.withdrawn, len(s.skipped))
            ),
        )
    out = console()
    out.print(table)
    for s in report.sources:
        for skipped in s.skipped[:20]:
            out.print(
                f"[yellow]skipped[/] {escape(s.source)}: {escape(str(skipped))}", highlight=False
            )
        for warning in s.warnings[:20]:
            out.print(f"[cyan]note[/] {escape(s.source)}: {escape(str(warning))}", highlight=False)
        if len(s.skipped) > 20:
            out.print(f"[yellow]skipped[/] {s.source}: ... and {len(s.skipped) - 20} more")
        if s.error:
            out.print(f"[red]failed[/] {escape(s.source)}: {escape(s.error)}", highlight=False)
