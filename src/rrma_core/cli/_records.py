"""``rrma events``, ``rrma calls``, ``rrma actors``...: list stored records with filters."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click

from rrma_core.cli._output import format_option, print_data, print_table
from rrma_core.cli._state import CliState, pass_state
from rrma_core.models import Actor, CallForProjects, Event, Record
from rrma_core.workspace import Workspace

_FORMAT = format_option()
_LIMIT = click.option("--limit", type=int, help="At most this many.")
_WITHDRAWN = click.option("--withdrawn", is_flag=True, help="Include withdrawn records.")
_PERSONAL = click.option(
    "--personal-data", is_flag=True, help="Include personal data (contacts...) in json output."
)


def _local(value: date | datetime | None, ws: Workspace) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(ws.timezone).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _event_row(event: Event, ws: Workspace) -> dict[str, str]:
    return {
        "id": event.id,
        "start": _local(event.start, ws),
        "title": str(event.title),
        "kind": event.event_kind.value,
        "place": (event.venue.address.city or "") if event.venue and event.venue.address else "",
        "departement": event.departement or "",
        "campaign": event.campaign_edition or "",
        "status": event.status.value,
    }


def _call_row(call: CallForProjects, ws: Workspace) -> dict[str, str]:
    return {
        "id": call.id,
        "deadline": _local(call.deadline, ws),
        "title": str(call.title),
        "funders": ", ".join(str(f) for f in call.funders),
        "status": call.status(tz=ws.timezone).value,
        "themes": ", ".join(call.themes),
    }


def _actor_row(actor: Actor, ws: Workspace) -> dict[str, str]:
    return {
        "id": actor.id,
        "name": actor.name,
        "type": actor.actor_type.value,
        "departement": actor.departement or "",
        "countries": ", ".join(actor.countries),
        "sdgs": ", ".join(str(s) for s in actor.sdgs),
    }


def _generic_row(record: Record, ws: Workspace) -> dict[str, str]:
    title = getattr(record, "title", None) or getattr(record, "name", None) or ""
    return {"id": record.id, "title": str(title), "updated": _local(record.updated_at, ws)}


def _emit(
    records: list[Any],
    ws: Workspace,
    fmt: str,
    row: Callable[[Any, Workspace], dict[str, str]],
    personal_data: bool = False,
) -> None:
    if fmt == "json":
        data = [
            (r if personal_data else r.without_personal_data()).model_dump(mode="json")
            for r in records
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    rows = [row(r, ws) for r in records]
    if print_data(rows, fmt):
        return
    if not rows:
        click.echo("No records match.", err=True)
        return
    # People read titles, not ids: the table leaves the id out (json and csv keep it).
    print_table(rows, [c for c in rows[0] if c != "id"])
    click.echo(f"{len(rows)} record{'' if len(rows) == 1 else 's'}", err=True)


@click.command()
@click.option("--upcoming", is_flag=True, help="Only events not over yet.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="On or after this day.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="On or before this day.")
@click.option("--region", multiple=True, help="Venue's région code (repeat).")
@click.option("--departement", multiple=True, help="Venue's département code (repeat).")
@click.option("--campaign", multiple=True, help="Campaign edition (alimenterre-2026) or code.")
@click.option("--theme", multiple=True, help="Sector code or label.")
@click.option("--sdg", multiple=True, help="SDG number.")
@click.option("--kind", multiple=True, help="Event kind (projection-debat...).")
@_WITHDRAWN
@_LIMIT
@_FORMAT
@_PERSONAL
@pass_state
def events(state: CliState, upcoming: bool, start: datetime | None, end: datetime | None,
           region: tuple[str, ...], departement: tuple[str, ...], campaign: tuple[str, ...],
           theme: tuple[str, ...], sdg: tuple[str, ...], kind: tuple[str, ...], withdrawn: bool,
           limit: int | None, fmt: str, personal_data: bool) -> None:  # fmt: skip
    """List events, soonest first."""
    ws = state.workspace()
    found = ws.events(
        upcoming=upcoming or None,
        start=start.date() if start else None,
        end=end.date() if end else None,
        region=region or None,
        departement=departement or None,
        campaign=campaign or None,
        theme=theme or None,
        sdg=sdg or None,
        kind=kind or None,
        include_withdrawn=withdrawn,
        limit=limit,
    )
    _emit(found, ws, fmt, _event_row, personal_data)


@click.command()
@click.option("--open-on", type=click.DateTime(["%Y-%m-%d"]), help="Open on this day.")
@click.option("--open", "open_now", is_flag=True, help="Open today.")
@click.option("--theme", multiple=True, help="Sector code or label.")
@click.option("--funder", multiple=True, help="Funder name (case and accents ignored).")
@click.option("--sdg", multiple=True, help="SDG number.")
@click.option("--country", multiple=True, help="Country code (ISO 3166-1 alpha-2).")
@click.option("--eligible", multiple=True, help="Actor type that may apply.")
@_WITHDRAWN
@_LIMIT
@_FORMAT
@pass_state
def calls(state: CliState, open_on: datetime | None, open_now: bool, theme: tuple[str, ...],
          funder: tuple[str, ...], sdg: tuple[str, ...], country: tuple[str, ...],
          eligible: tuple[str, ...], withdrawn: bool, limit: int | None,
          fmt: str) -> None:  # fmt: skip
    """List calls for projects, closing soonest first."""
    ws = state.workspace()
    day = open_on.date() if open_on else (datetime.now(ws.timezone).date() if open_now else None)
    found = ws.calls(
        open_on=day,
        theme=theme or None,
        funder=funder or None,
        sdg=sdg or None,
        country=country or None,
        eligible=eligible or None,
        include_withdrawn=withdrawn,
        limit=limit,
    )
    _emit(found, ws, fmt, _call_row)


@click.command()
@click.option("--type", "types", multiple=True, help="Actor type (association...).")
@click.option("--region", multiple=True, help="Head office's région code.")
@click.option("--departement", multiple=True, help="Head office's département code.")
@click.option("--country", multiple=True, help="Country of intervention.")
@click.option("--sdg", multiple=True, help="SDG number.")
@click.option("--theme", multiple=True, help="Sector code or label.")
@_WITHDRAWN
@_LIMIT
@_FORMAT
@_PERSONAL
@pass_state
def actors(state: CliState, types: tuple[str, ...], region: tuple[str, ...],
           departement: tuple[str, ...], country: tuple[str, ...], sdg: tuple[str, ...],
           theme: tuple[str, ...], withdrawn: bool, limit: int | None, fmt: str,
           personal_data: bool) -> None:  # fmt: skip
    """List actors, by name (contacts only with --personal-data, in json)."""
    ws = state.workspace()
    found = ws.actors(
        type=types or None,
        region=region or None,
        departement=departement or None,
        country=country or None,
        sdg=sdg or None,
        theme=theme or None,
        include_withdrawn=withdrawn,
        limit=limit,
    )
    _emit(found, ws, fmt, _actor_row, personal_data)


def _simple(name: str, method: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text)
    @_FORMAT
    @_PERSONAL
    @pass_state
    def command(state: CliState, fmt: str, personal_data: bool) -> None:
        ws = state.workspace()
        _emit(getattr(ws, method)(), ws, fmt, _generic_row, personal_data)

    return command


RECORD_COMMANDS: list[click.Command] = [
    events,
    calls,
    actors,
    _simple("spaces", "spaces", "List multi-actor spaces."),
    _simple("trainings", "trainings", "List trainings (trainees only with --personal-data)."),
    _simple("resources", "resources", "List resources, newest first."),
    _simple("observations", "observations", "List observations (indicator values)."),
    _simple("projects", "projects", "List projects."),
    _simple("programmes", "programmes", "List programmes and funding schemes."),
]
