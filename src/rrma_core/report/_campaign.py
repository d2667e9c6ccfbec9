"""The campaign report: one edition's reach in the région, compared with the last edition."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rrma_core.charts import bar_chart, departement_map, format_number
from rrma_core.report._barometre import data_date, key_change
from rrma_core.report._render import (
    Chart,
    KeyFigure,
    ProgressCallback,
    Section,
    Table,
    cell,
    image,
    render,
)
from rrma_core.report._texts import change_text, date_text, texts

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = ["campaign_report"]

_STEPS = 5


def campaign_report(
    ws: Workspace,
    edition: str,
    *,
    lang: str = "fr",
    region: str | int | None = None,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> str:
    """The report of one campaign edition (Festival ALIMENTERRE, Festisol...): a
    self-contained HTML page of its reach in the région, compared with the last edition.

    The page gives the edition's reach (events, organisers, départements and communes
    reached, each with its change from the edition of the year before); its events by
    département (a tile map, and this edition against the previous one) and by kind; the
    table of organisers; the films or types of activity; how it is counted; the date of the
    data. Its figures are those of
    [`edition_summary`][rrma_core.campaigns.edition_summary].

    Args:
        ws: The workspace.
        edition: The edition's id, such as ``"alimenterre-2026"`` (or a regional one,
            ``"festisol-2026-84"``).
        lang: ``"fr"`` (default) or ``"en"``.
        region: The région of the view of a national edition (default: the workspace's).
        now: The time the report is made at (default: now).
        progress: Called after each step as ``progress(what, done, total)``.

    Returns:
        The HTML page.

    Raises:
        ConfigError: for a malformed edition id, an unknown campaign or région, or another
            language.
        RrmaError: when pandas or matplotlib is not installed.
    """
    from rrma_core.campaigns import edition_summary

    t = texts(lang)
    now = now or datetime.now(ws.timezone)
    summary = edition_summary(ws, edition, lang=lang, region=region)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(what, done, _STEPS)

    step("summary")
    record = summary.edition
    year = record.year
    before = year - 1
    has_previous = summary.previous is not None or summary.previous_events is not None
    view_region = summary.region or record.region
    region_name = None
    if view_region:
        term = ws.vocabularies.get("regions").get(str(view_region))
        region_name = term.label(lang) if term else str(view_region)
    reach = [
        _figure(summary.events, summary.previous_events, t["events"], before, lang),
        _figure(summary.organisers, summary.previous_organisers, t["organisers"], before, lang),
        _figure(
            summary.departements, summary.previous_departements, t["departements"], before, lang
        ),
        _figure(summary.communes, summary.previous_communes, t["communes"], before, lang),
    ]
    sections: list[Section] = []
    if not summary.events:
        sections.append(Section(id="events", title=t["reach"], empty=t["no_events"]))
        step("départements")
        step("kinds")
        step("organisers")
    else:
        sections.append(
            _departements(summary.by_departement, view_region, has_previous, year, lang)
        )
        step("départements")
        sections.append(_kinds(summary.by_kind, has_previous, year, lang))
        step("kinds")
        sections.append(_organisers(summary.by_organiser, lang))
        sections.append(_films(summary.by_film, lang))
        step("organisers")
    updated = data_date(ws)
    period = None
    if record.start and record.end:
        period = t("period", start=date_text(record.start, lang), end=date_text(record.end, lang))
    html = render(
        "campaign.html",
        t=t,
        lang=lang,
        title=f"{t['campaign_report']} – {summary.campaign_name} {year}",
        network=ws.name,
        campaign=summary.campaign_name,
        year=year,
        edition=record.id,
        region=region_name,
        period=period,
        reach=reach,
        sections=sections,
        data_date=date_text(updated.astimezone(ws.timezone), lang) if updated else None,
        generated=date_text(now, lang),
    )
    step("page")
    return html


def _figure(now: int, previous: int | None, label: str, before: int, lang: str) -> KeyFigure:
    """A figure of the edition's reach, with its change from the edition of ``before``."""
    change = key_change(now, previous, before, texts(lang))
    return KeyFigure(format_number(now, lang), label, change)


def _compare_frame(rows: list[dict[str, Any]]) -> Any:
    from rrma_core.indicators._base import pandas

    pd = pandas()
    return pd.DataFrame(
        {
            "label": [row["label"] for row in rows],
            "value_a": [float(row.get("previous") or 0) for row in rows],
            "value_b": [float(row["events"]) for row in rows],
        }
    )


def _compared_table(
    rows: list[dict[str, Any]], first: str, has_previous: bool, year: int, lang: str
) -> Table:
    t = texts(lang)
    if not has_previous:
        return Table.of([first, t["events"]], [[r["label"], r["events"]] for r in rows], lang)
    return Table.of(
        [first, str(year), str(year - 1), t["change"]],
        [
            [
                r["label"],
                r["events"],
                r.get("previous") or 0,
                change_text(r["events"], r.get("previous") or 0, lang) or "–",
            ]
            for r in rows
        ],
        lang,
    )


def _departements(
    rows: list[dict[str, Any]], region: str | None, has_previous: bool, year: int, lang: str
) -> Section:
    t = texts(lang)
    section = Section(id="departements", title=t["by_departement"])
    counts = {row["code"]: row["events"] for row in rows if row["events"]}
    tiles = Chart(id="departements-map", title=t["by_departement"])
    tiles.image = image(departement_map(counts, lang=lang, title="", region=region))
    tiles.alt = t["by_departement"]
    section.charts.append(tiles)
    title = t("edition_of", year=year)
    if has_previous:
        title += f" / {t('previous_edition', year=year - 1)}"
    bars = Chart(id="departements-bars", title=title)
    section.charts.append(
        _compared_bars(bars, rows, t["by_departement"], t["departement"], has_previous, year, lang)
    )
    return section


def _kinds(rows: list[dict[str, Any]], has_previous: bool, year: int, lang: str) -> Section:
    t = texts(lang)
    section = Section(id="kinds", title=t["by_kind"])
    chart = Chart(id="kinds-bars", title=t["by_kind"])
    section.charts.append(
        _compared_bars(chart, rows, t["by_kind"], t["label"], has_previous, year, lang)
    )
    return section


def _compared_bars(
    chart: Chart,
    rows: list[dict[str, Any]],
    alt: str,
    header: str,
    has_previous: bool,
    year: int,
    lang: str,
) -> Chart:
    """``chart`` with the bars of the events of each row's label (beside the previous
    edition's when there is one), its text alternative ``alt`` and its table (first column
    headed ``header``)."""
    data = _compare_frame(rows) if has_previous else [(r["label"], r["events"]) for r in rows]
    chart.image = image(
        bar_chart(data, lang=lang, title="", series_names=(str(year - 1), str(year)))
    )
    chart.alt = alt
    chart.table = _compared_table(rows, header, has_previous, year, lang)
    return chart


def _organisers(rows: list[dict[str, Any]], lang: str) -> Section:
    t = texts(lang)
    section = Section(id="organisers", title=t["by_organiser"])
    chart = Chart(id="organisers-table", title=t["by_organiser"])
    with_new = any(row.get("new") is not None for row in rows)
    headers = [t["organiser"], t["events"], t["departements"]]
    table_rows = []
    for row in rows:
        name = str(row["organiser"])
        if with_new and row.get("new"):
            name += f" ({t['new']})"
        table_rows.append([name, row["events"], row["departements"]])
    chart.table = _full_table(headers, table_rows, lang)
    section.charts.append(chart)
    return section


def _full_table(headers: list[str], rows: list[list[Any]], lang: str) -> Table:
    """A table with every row (the organisers are what a coordinator reads in full)."""
    shown = [[cell(value, lang) for value in row] for row in rows]
    numeric = [False, *([True] * (len(headers) - 1))]
    return Table(list(headers), shown, numeric)


def _films(rows: list[dict[str, Any]], lang: str) -> Section:
    t = texts(lang)
    section = Section(id="films", title=t["by_film"])
    if not rows:
        section.empty = t["no_film"]
        return section
    chart = Chart(id="films-table", title=t["by_film"])
    kinds = {"film": t["kind_film"], "animation": t["kind_animation"]}
    headers = [t["film"], t["kind"], t["events"]]
    chart.table = _full_table(
        headers,
        [[r["label"], kinds.get(str(r.get("kind")), "–"), r["events"]] for r in rows],
        lang,
    )
    chart.table.numeric = [False, False, True]
    section.charts.append(chart)
    return section
