"""``rrma indicators``: list the indicators, compute one, compare it, store it."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import click

from rrma_core.cli._output import format_option, print_data, print_table
from rrma_core.cli._state import CliState, pass_state, write_csv
from rrma_core.errors import ConfigError
from rrma_core.indicators import (
    PeriodLike,
    compare_periods,
    compare_region,
    get_indicator,
    indicators,
    store_observations,
)
from rrma_core.indicators._labels import is_missing
from rrma_core.models import DateRange

__all__ = ["indicators_command"]


def _cell(value: Any) -> Any:
    """A DataFrame cell as plain JSON: numbers as int or float, missing values as ``None``."""
    if is_missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: _cell(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _text(value: Any) -> str:
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)
    return str(value)


def _period_json(period: DateRange | None) -> dict[str, str] | None:
    return (
        None
        if period is None
        else {"start": period.start.isoformat(), "end": period.end.isoformat()}
    )


def _period(year: int | None, start: datetime | None, end: datetime | None) -> PeriodLike:
    if year is not None and (start or end):
        raise click.UsageError("give --year, or --start and --end, not both")
    if year is not None:
        return year
    if start or end:
        if not (start and end):
            raise click.UsageError("--start and --end go together")
        return (start.date(), end.date())
    return None


def _emit(frame: Any, fmt: str) -> None:
    attrs = frame.attrs
    if fmt == "json":
        meta = {k: v for k, v in attrs.items() if not isinstance(v, DateRange)}
        for name in ("period", "period_a", "period_b"):
            if name in attrs:
                meta[name] = _period_json(attrs[name])
        meta["total"] = _cell(attrs.get("total"))
        click.echo(json.dumps({**meta, "rows": _records(frame)}, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        rows = [{k: _text(v) for k, v in row.items()} for row in frame.to_dict("records")]
        click.echo(write_csv(rows) or ",".join(frame.columns) + "\n", nl=False)
        return
    title = attrs.get("title") or attrs.get("indicator")
    period = attrs.get("period")
    if isinstance(period, DateRange):
        title = f"{title} ({period.start.isoformat()} – {period.end.isoformat()})"
    if attrs.get("region"):
        title = f"{title}, région {attrs['region']}"
    # People read labels: the code columns stay in json and csv.
    hidden = {"label"} | {c for c in frame.columns if c not in _shown(frame)}
    columns = ["label", *[c for c in frame.columns if c not in hidden]]
    rows = [{c: _text(row[c]) for c in columns} for row in frame.to_dict("records")]
    print_table(rows, columns, title=title)
    if attrs.get("note"):
        click.echo(f"Note: {attrs['note']}", err=True)
    if attrs.get("total") is not None:
        click.echo(f"Total counted (each once): {_text(attrs['total'])}", err=True)


def _shown(frame: Any) -> set[str]:
    """The columns a table shows beside the label: the figures, the measure and its unit."""
    figures = {"value", "value_a", "value_b", "change", "change_pct", "month_a", "month_b"}
    figures |= {"value_region", "value_national", "share_pct", "unit"}
    return {c for c in frame.columns if c in figures}


@click.command("indicators")
@click.argument("key", required=False)
@click.option("--year", type=int, help="The calendar year counted.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day counted (with --end).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Last day counted (with --start).")
@click.option("--region", help="Count only this région's records (INSEE code, such as 84).")
@click.option("--compare-to", "compare_to", type=int, help="Compare with this year (needs --year).")
@click.option(
    "--national",
    is_flag=True,
    help="Compare the région (--region, else the workspace's) with the whole database.",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the labels and texts.",
)
@format_option()
@click.option(
    "--store", is_flag=True, help="Save the figures as Observation records (needs a period)."
)
@pass_state
def indicators_command(
    state: CliState,
    key: str | None,
    year: int | None,
    start: datetime | None,
    end: datetime | None,
    region: str | None,
    compare_to: int | None,
    national: bool,
    lang: str,
    fmt: str,
    store: bool,
) -> None:
    """List the observatory's indicators, or compute indicator KEY.

    Without KEY, lists every indicator (built-in and from plugins). With KEY, prints its
    figures for the period and région given (all records by default), with the rule for
    adding them up. Compare two years with --compare-to, or a région with the whole database
    with --national; save the figures as Observation records with --store.
    """
    ws = state.workspace() if state.has_workspace() else None
    if key is None:
        # Outside a workspace: the built-in indicators and those of the installed plugins.
        known = (
            indicators(ws) if ws is not None else {**indicators(), **state.plugins().indicators()}
        )
        listed = [cls.describe(lang) for cls in known.values()]
        if fmt == "json":
            click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
            return
        rows = [
            {
                "key": d["key"],
                "label": d["label"],
                "unit": d["unit"],
                "dimensions": ", ".join(d["dimensions"]),
                "computed_in": d["computed_in"],
            }
            for d in listed
        ]
        if not print_data(rows, fmt):
            columns = ["key", "label", "unit", "dimensions", "computed_in"]
            print_table(rows, columns, headers=[c.replace("_", " ") for c in columns])
        return
    if ws is None:
        raise ConfigError(
            f"no rrma.toml in {state.workspace_dir}: indicators count a workspace's records "
            "(rrma init, or --workspace)"
        )
    period = _period(year, start, end)
    if store and (compare_to is not None or national):
        raise click.UsageError("--store saves plain figures: leave out --compare-to and --national")
    if compare_to is not None:
        if year is None:
            raise click.UsageError("--compare-to needs --year")
        frame = compare_periods(ws, key, compare_to, year, region=region, lang=lang)
    elif national:
        frame = compare_region(ws, key, region, period=period, lang=lang)
    else:
        frame = get_indicator(ws, key).compute(ws, period=period, region=region, lang=lang)
    _emit(frame, fmt)
    if store:
        if frame.attrs.get("period") is None:
            raise click.UsageError("--store needs a period: --year, or --start and --end")
        result = store_observations(ws, frame)
        click.echo(
            f"Stored {result.stored} observations of {key}: {result.new} new, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{result.withdrawn} withdrawn.",
            err=True,
        )
