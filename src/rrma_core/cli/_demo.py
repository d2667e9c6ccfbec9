"""``rrma demo``: a workspace of sample sources, synced offline, to look around."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from rrma_core.cli._records import _call_row, _emit, _event_row
from rrma_core.cli._state import CliState, pass_state
from rrma_core.cli._sync import print_report
from rrma_core.config import CONFIG_FILE, SourceConfig, WorkspaceConfig
from rrma_core.demo import DEMO_SOURCES, serve_samples
from rrma_core.errors import RrmaError
from rrma_core.models import Record
from rrma_core.sync import SyncReport
from rrma_core.workspace import Workspace


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="rrma-demo")
@pass_state
def demo(state: CliState, directory: Path) -> None:
    """Create (or refresh) a demo workspace in DIRECTORY and sync its sample sources.

    The samples ship with rrma_core and are served by the demo itself on a loopback port:
    nothing is fetched from the internet.
    """
    port = _previous_port(directory)
    if not (directory / CONFIG_FILE).exists():
        Workspace.init(directory, name="Réseau de démonstration", region="84").close()
        click.echo(f"Created the demo workspace in {directory.resolve()}")
    with (
        serve_samples(port=port) as base_url,
        Workspace.open(directory, plugins_dirs=state.plugins_dirs) as ws,
    ):
        others = [s for s in ws.config.sources if not s.name.startswith("demo-")]
        # Their server lives only while `rrma demo` runs: a plain `rrma sync` leaves them
        # alone (enabled = false), `rrma demo` syncs them by name.
        demo_sources = [
            SourceConfig.model_validate({**source.config(base_url), "enabled": False})
            for source in DEMO_SOURCES
        ]
        ws.config.sources = others + demo_sources
        ws.config.save(ws.root / CONFIG_FILE)
        # The directory first: connectors that link organisers and funders to known actors
        # then find them, the first time as every time after.
        directory_first = [s.name for s in demo_sources if s.name == "demo-annuaire"]
        report = ws.sync(directory_first)
        rest = ws.sync([s.name for s in demo_sources if s.name not in directory_first])
        report = SyncReport(sources=report.sources + rest.sources)
        print_report(report)
        click.echo("\nUpcoming events:")
        _emit(ws.events(upcoming=True, limit=10), ws, "table", _event_row)
        click.echo("\nCalls for projects open today:")
        today = datetime.now(ws.timezone).date()
        _emit(ws.calls(open_on=today, limit=10), ws, "table", _call_row)
        written = _write_exports(ws, today)
        if written:
            click.echo("\nWritten (open them in a browser or a calendar):")
            for path in written:
                click.echo(f"  {path}")
        click.echo(
            f"\nExplore: rrma --workspace {directory} events --upcoming --departement 69\n"
            f"         rrma --workspace {directory} calls --open --format csv"
        )


def _previous_port(directory: Path) -> int:
    """The loopback port the demo's sources used last time (0 when there is none)."""
    path = directory / CONFIG_FILE
    if not path.exists():
        return 0
    try:
        config = WorkspaceConfig.load(path)
    except RrmaError:
        return 0
    for source in config.sources:
        url = str(source.options.get("url") or source.options.get("base_url") or "")
        if source.name.startswith("demo-") and url.startswith("http://127.0.0.1:"):
            port = urlsplit(url).port
            if port:
                return port
    return 0


#: What the demo writes: (exporter, file, records to export, exporter options).
_EXPORTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("ics", "agenda.ics", "upcoming events", {}),
    ("rss", "appels.rss", "open calls", {"kind": "calls"}),
    ("digest", "lettre.html", "open calls, upcoming events, resources", {}),
]


def _write_exports(ws: Workspace, today: date) -> list[Path]:
    """The demo's agenda, calls feed and newsletter, in ``exports/`` of the workspace."""
    folder = ws.root / "exports"
    folder.mkdir(exist_ok=True)
    installed = ws.plugins.exporters()
    written = []
    for fmt, name, what, options in _EXPORTS:
        if fmt not in installed:
            continue
        records: list[Record]
        if what == "upcoming events":
            records = list(ws.events(upcoming=True))
        elif what == "open calls":
            records = list(ws.calls(open_on=today))
        else:
            records = [*ws.calls(open_on=today), *ws.events(upcoming=True), *ws.resources()]
        ws.export(fmt, folder / name, records=records, **options)
        written.append(folder / name)
    written.extend(_write_reports(ws, folder, today))
    return written


def _write_reports(ws: Workspace, folder: Path, today: date) -> list[Path]:
    """The baromètre of the year and the report of its main campaign edition (the one with
    the most events, one whose previous edition has events first), when matplotlib and
    pandas are installed; else a line saying how to get them."""
    from rrma_core.charts import _figure_class
    from rrma_core.indicators._base import pandas

    try:
        pandas()
        _figure_class()
    except RrmaError as error:
        click.echo(f"\nNo baromètre written: {error}")
        return []
    from rrma_core.campaigns import editions
    from rrma_core.report import write_report

    written = [write_report(ws, folder / "barometre.html", year=today.year)]
    rows = [row for row in editions(ws) if row["events"] and not row["region"]]
    counts = {row["edition"]: row["events"] for row in rows}
    this_year = [row for row in rows if row["year"] == today.year]
    if this_year:
        best = max(
            this_year,
            key=lambda row: (
                bool(counts.get(f"{row['campaign']}-{row['year'] - 1}")),
                row["events"],
            ),
        )
        edition = best["edition"]
        written.append(write_report(ws, folder / f"campagne-{edition}.html", campaign=edition))
    return written
