"""Reports for a network's audience: the yearly baromètre and the campaign report, as HTML.

Each report is one self-contained HTML page, in French by default (English with
``lang="en"``): its charts are PNG images inside the page, its styles inline, with no script,
web font nor remote image, so the file opens offline, can be e-mailed and prints cleanly.

- [`barometre`][rrma_core.report.barometre]: the year's key figures, the indicators of actors,
  events, calls for projects, trainings and multi-actor spaces as charts and tables, the maps,
  the methodology and the sources.
- [`campaign_report`][rrma_core.report.campaign_report]: one campaign edition's reach in the
  région (events by département and kind, organisers, films or types of activity), compared
  with the last edition.
- [`write_report`][rrma_core.report.write_report]: either one, written to a file.

The charts need matplotlib, the optional extra ``rrma-core[report]``.

Example:
    ```python
    from rrma_core import Workspace
    from rrma_core.report import write_report

    with Workspace.open("mon-reseau") as ws:
        write_report(ws, "barometre-2026.html", year=2026)
        write_report(ws, campaign="alimenterre-2026")  # campagne-alimenterre-2026.html
    ```
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rrma_core.report._barometre import barometre, data_date
from rrma_core.report._campaign import campaign_report
from rrma_core.report._render import ProgressCallback
from rrma_core.report._texts import LANGS

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = [
    "LANGS",
    "ProgressCallback",
    "barometre",
    "campaign_report",
    "data_date",
    "default_filename",
    "write_report",
]


def default_filename(*, year: int | None = None, campaign: str | None = None) -> str:
    """The report's usual file name: ``barometre-2026.html`` or
    ``campagne-alimenterre-2026.html``."""
    if campaign:
        return f"campagne-{campaign}.html"
    return f"barometre-{year}.html"


def write_report(
    ws: Workspace,
    path: str | Path | None = None,
    *,
    year: int | None = None,
    region: str | int | None = None,
    campaign: str | None = None,
    lang: str = "fr",
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Write the baromètre of ``year``, or with ``campaign`` the report of that edition, to
    ``path``.

    Args:
        ws: The workspace.
        path: The HTML file to write; by default ``barometre-YEAR.html`` or
            ``campagne-EDITION.html`` in the current folder.
        year: The baromètre's year (default: the current one).
        region: The région counted (see [`barometre`][rrma_core.report.barometre] and
            [`campaign_report`][rrma_core.report.campaign_report]).
        campaign: A campaign edition's id (``alimenterre-2026``): write its report instead.
        lang: ``"fr"`` or ``"en"``.
        now: The time the report is made at (default: now).
        progress: Called after each step as ``progress(what, done, total)``.

    Returns:
        The path written.

    Raises:
        ConfigError: for a bad year, région, edition or language, or ``year`` given with
            ``campaign``.
        RrmaError: when pandas or matplotlib is not installed.
    """
    from rrma_core.errors import ConfigError

    if campaign and year is not None:
        raise ConfigError("give a year (the baromètre) or a campaign edition, not both")
    now = now or datetime.now(ws.timezone)
    if campaign:
        html = campaign_report(ws, campaign, lang=lang, region=region, now=now, progress=progress)
    else:
        year = now.year if year is None else year
        html = barometre(ws, year=year, region=region, lang=lang, now=now, progress=progress)
    target = (
        Path(path) if path is not None else Path(default_filename(year=year, campaign=campaign))
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
