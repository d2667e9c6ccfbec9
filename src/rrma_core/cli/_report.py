"""``rrma report``: the baromètre of a year, or a campaign edition's report, as one HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from rrma_core.charts import LANGS
from rrma_core.cli._output import progress_bar
from rrma_core.cli._state import CliState, pass_state

__all__ = ["report"]


@click.command()
@click.option("--year", type=int, help="The baromètre's year (default: the current one).")
@click.option("--region", help="Count only this région's records (INSEE code, such as 84).")
@click.option(
    "--campaign",
    metavar="EDITION",
    help="Write this campaign edition's report instead (such as alimenterre-2026).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="fr",
    show_default=True,
    help="The report's language.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (default: barometre-YEAR.html or campagne-EDITION.html).",
)
@pass_state
def report(
    state: CliState,
    year: int | None,
    region: str | None,
    campaign: str | None,
    lang: str,
    output: Path | None,
) -> None:
    """Write the baromètre of a year (or a campaign edition's report) as one HTML file.

    The page holds the key figures, charts, maps and tables of the network's indicators, the
    methodology and the sources. It needs nothing else to be read (no script, web font nor
    remote image): open it in a browser, e-mail it or print it. Charts need matplotlib:
    pip install 'rrma-core[report]'.
    """
    from rrma_core.charts import _figure_class
    from rrma_core.report import write_report

    if campaign and year is not None:
        raise click.UsageError("give --year (the baromètre) or --campaign, not both")
    _figure_class()  # a missing matplotlib is said before anything is computed
    ws = state.workspace()
    with progress_bar("report") as progress:
        task = progress.add_task("", total=None)

        def on_progress(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=total, refresh=True)

        path = write_report(
            ws,
            output,
            year=year,
            region=region,
            campaign=campaign,
            lang=lang,
            progress=on_progress,
        )
    click.echo(str(path))
