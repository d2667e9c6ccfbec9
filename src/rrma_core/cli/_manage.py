"""``rrma space``, ``rrma training``, ``rrma person`` and ``rrma forget``: manage spaces and
trainings, and the personal data they hold (GDPR access and erasure)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from rrma_core.cli._output import format_option, print_rows
from rrma_core.cli._state import CliState, pass_state
from rrma_core.manage import (
    add_member,
    add_session,
    cancel,
    change_role,
    create_space,
    end_membership,
    forget,
    mark_attendance,
    person_data,
    record_evaluation,
    record_meeting,
    register,
    space_activity,
    training_figures,
)

_FORMAT = format_option()
_DAY = click.DateTime(["%Y-%m-%d"])


def _when(value: str) -> date | datetime:
    """A day (2026-03-12) or a date-time with its offset (2026-03-12T18:00+01:00)."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a day (2026-03-12) or a date-time (2026-03-12T18:00+01:00)"
        ) from None


# --- rrma space -------------------------------------------------------------------------------


@click.group()
def space() -> None:
    """Manage multi-actor spaces: members, roles, meetings, activity."""


@space.command("list")
@_FORMAT
@pass_state
def space_list(state: CliState, fmt: str) -> None:
    """List the spaces, with their members and meetings."""
    rows = [
        {
            "id": s.id,
            "name": str(s.name),
            "kind": s.space_kind.value,
            "members": sum(1 for m in s.members if m.until is None),
            "meetings": len(s.meetings),
        }
        for s in state.workspace().spaces()
    ]
    print_rows(rows, fmt, "No spaces.")


@space.command("create")
@click.argument("name")
@click.option("--kind", required=True, help="generalist, thematic, sectoral or geographic.")
@click.option("--id", "id_", help="The space's id (default: made at random).")
@click.option("--theme", multiple=True, help="Sector code (thematic, sectoral spaces; repeat).")
@click.option("--sdg", multiple=True, type=int, help="SDG number (repeat).")
@click.option("--country", multiple=True, help="Country code (geographic spaces; repeat).")
@click.option("--region", multiple=True, help="Région code (repeat).")
@click.option("--description", help="What the space is about.")
@pass_state
def space_create(state: CliState, name: str, kind: str, id_: str | None, theme: tuple[str, ...],
                 sdg: tuple[int, ...], country: tuple[str, ...], region: tuple[str, ...],
                 description: str | None) -> None:  # fmt: skip
    """Create a space called NAME."""
    fields: dict[str, Any] = {
        "name": name, "space_kind": kind, "themes": list(theme), "sdgs": list(sdg),
        "countries": list(country), "regions": list(region), "description": description,
    }  # fmt: skip
    if id_:
        fields["id"] = id_
    created = create_space(state.workspace(), **{k: v for k, v in fields.items() if v})
    click.echo(f"Created space {created.id!r} ({created.name})")


@space.command("add-member")
@click.argument("space_id", metavar="SPACE")
@click.argument("actor")
@click.option("--role", default="member", show_default=True, help="member, animator, observer...")
@click.option("--since", type=_DAY, help="When the actor joined (YYYY-MM-DD).")
@pass_state
def space_add_member(
    state: CliState, space_id: str, actor: str, role: str, since: datetime | None
) -> None:
    """Add ACTOR (an actor's id, or a name) to the members of SPACE."""
    added = add_member(
        state.workspace(), space_id, actor, role=role, since=since.date() if since else None
    )
    how = f"id {added.actor.id}" if added.actor.id else "not in the directory"
    click.echo(f"Added {added.actor} ({how}) to {space_id} as {added.role}")


@space.command("end-member")
@click.argument("space_id", metavar="SPACE")
@click.argument("actor")
@click.option("--until", type=_DAY, help="When the actor left (default: today).")
@pass_state
def space_end_member(state: CliState, space_id: str, actor: str, until: datetime | None) -> None:
    """Record that ACTOR left SPACE (the membership is kept, with its end)."""
    ended = end_membership(
        state.workspace(), space_id, actor, until=until.date() if until else None
    )
    click.echo(f"{ended.actor} left {space_id} on {ended.until}")


@space.command("set-role")
@click.argument("space_id", metavar="SPACE")
@click.argument("actor")
@click.argument("role")
@pass_state
def space_set_role(state: CliState, space_id: str, actor: str, role: str) -> None:
    """Change the ROLE of member ACTOR of SPACE."""
    changed = change_role(state.workspace(), space_id, actor, role)
    click.echo(f"{changed.actor} is now {changed.role} of {space_id}")


@space.command("meeting")
@click.argument("space_id", metavar="SPACE")
@click.option("--start", required=True, help="A day (2026-03-12) or 2026-03-12T18:00+01:00.")
@click.option("--end", help="When it ended (same forms).")
@click.option("--title", help="The meeting's title.")
@click.option("--attendance", type=int, help="How many people came (default: participants).")
@click.option("--organisation", multiple=True, help="An actor present (id or name; repeat).")
@click.option("--participant", multiple=True, metavar="NAME[:EMAIL]",
              help="A person who came (personal data; repeat).")  # fmt: skip
@click.option("--id", "id_", help="The meeting's id (default: made from its dates).")
@pass_state
def space_meeting(state: CliState, space_id: str, start: str, end: str | None, title: str | None,
                  attendance: int | None, organisation: tuple[str, ...],
                  participant: tuple[str, ...], id_: str | None) -> None:  # fmt: skip
    """Record a meeting of SPACE, with its attendance."""
    people = []
    for text in participant:
        name, _, email = text.partition(":")
        people.append({"name": name, "email": email or None})
    meeting = record_meeting(
        state.workspace(), space_id, start=_when(start), end=_when(end) if end else None,
        title=title, attendance=attendance, organisations_present=organisation,
        participants=people, id=id_,
    )  # fmt: skip
    came = "unknown" if meeting.attendance is None else str(meeting.attendance)
    click.echo(f"Recorded meeting {meeting.id!r} of {space_id} on {meeting.start} ({came} present)")


@space.command("activity")
@click.argument("space_id", metavar="SPACE")
@click.option("--year", type=int, help="Only this year.")
@click.option("--start", type=_DAY, help="Only from this day.")
@click.option("--end", type=_DAY, help="Only until this day.")
@_FORMAT
@pass_state
def space_activity_command(state: CliState, space_id: str, year: int | None,
                           start: datetime | None, end: datetime | None,
                           fmt: str) -> None:  # fmt: skip
    """Show the activity of SPACE, oldest first: meetings, members joining and leaving."""
    period: Any = year
    if start or end:
        period = (start.date() if start else date.min, end.date() if end else date.max)
    rows = [i.to_dict() for i in space_activity(state.workspace(), space_id, period=period)]
    if fmt == "table":  # what people read; json and csv keep the start and ref too
        shown = ("day", "kind", "title", "attendance", "organisations", "role")
        rows = [{k: row[k] for k in shown} for row in rows]
    print_rows(rows, fmt, "No activity.")


# --- rrma training ----------------------------------------------------------------------------


@click.group()
def training() -> None:
    """Manage trainings: sessions, registrations, attendance, evaluations, figures."""


@training.command("add-session")
@click.argument("training_id", metavar="TRAINING")
@click.option("--start", required=True, help="A day (2027-02-04) or 2027-02-04T09:30+01:00.")
@click.option("--end", help="When it ends (same forms).")
@click.option("--capacity", type=int, help="How many places.")
@click.option("--id", "id_", help="The session's id (default: made from its dates).")
@pass_state
def training_add_session(state: CliState, training_id: str, start: str, end: str | None,
                         capacity: int | None, id_: str | None) -> None:  # fmt: skip
    """Add a session to TRAINING."""
    session = add_session(
        state.workspace(), training_id, start=_when(start), end=_when(end) if end else None,
        capacity=capacity, id=id_,
    )  # fmt: skip
    click.echo(f"Added session {session.id!r} to {training_id}")


@training.command("register")
@click.argument("training_id", metavar="TRAINING")
@click.argument("session")
@click.argument("name")
@click.option("--email", help="The trainee's e-mail.")
@pass_state
def training_register(
    state: CliState, training_id: str, session: str, name: str, email: str | None
) -> None:
    """Register trainee NAME to SESSION of TRAINING (waiting list when it is full)."""
    done = register(state.workspace(), training_id, session, name, email=email)
    click.echo(f"{name}: {done.status.value} ({training_id}, {session})")


@training.command("cancel")
@click.argument("training_id", metavar="TRAINING")
@click.argument("session")
@click.argument("trainee")
@pass_state
def training_cancel(state: CliState, training_id: str, session: str, trainee: str) -> None:
    """Cancel the registration of TRAINEE (id, e-mail or name) to SESSION."""
    done = cancel(state.workspace(), training_id, session, trainee)
    click.echo(f"Cancelled {trainee} ({training_id}, {session})")
    if done.promoted is not None and done.promoted.trainee is not None:
        click.echo(f"{done.promoted.trainee.name} moves from the waiting list to registered")


@training.command("attendance")
@click.argument("training_id", metavar="TRAINING")
@click.argument("session")
@click.argument("trainees", nargs=-1, required=True)
@click.option("--absent", is_flag=True, help="Mark them absent (default: attended).")
@click.option("--hours", type=float, help="Hours attended (default: the session's share).")
@pass_state
def training_attendance(state: CliState, training_id: str, session: str,
                        trainees: tuple[str, ...], absent: bool,
                        hours: float | None) -> None:  # fmt: skip
    """Mark TRAINEES (ids, e-mails or names) of SESSION attended, or --absent."""
    ws = state.workspace()
    for trainee in trainees:
        done = mark_attendance(ws, training_id, session, trainee, attended=not absent, hours=hours)
        spent = "" if done.hours_attended is None else f", {done.hours_attended:g} h"
        click.echo(f"{trainee}: {done.status.value}{spent}")


@training.command("evaluate")
@click.argument("training_id", metavar="TRAINING")
@click.argument("session")
@click.option("--score", "scores", multiple=True, metavar="TRAINEE=N",
              help="A trainee's satisfaction, 1 to 5 (repeat).")  # fmt: skip
@click.option("--responses", type=int, help="How many trainees answered.")
@click.option("--satisfaction", type=float, help="The mean satisfaction, 1 to 5.")
@click.option("--summary", help="What they said, in a few words (no names).")
@pass_state
def training_evaluate(state: CliState, training_id: str, session: str, scores: tuple[str, ...],
                      responses: int | None, satisfaction: float | None,
                      summary: str | None) -> None:  # fmt: skip
    """Record the evaluation of SESSION: trainees' scores and/or the session's summary."""
    parsed: dict[str, int] = {}
    for pair in scores:
        who, sep, value = pair.rpartition("=")
        if not sep or not value.strip().isdigit():
            raise click.BadParameter(f"{pair!r} must be TRAINEE=N (N from 1 to 5)")
        parsed[who] = int(value)
    done = record_evaluation(
        state.workspace(), training_id, session, scores=parsed, responses=responses,
        satisfaction=satisfaction, summary=summary,
    )  # fmt: skip
    click.echo(f"Recorded the evaluation of {done.id} ({len(parsed)} scores)")


@training.command("figures")
@click.argument("training_id", metavar="TRAINING")
@_FORMAT
@pass_state
def training_figures_command(state: CliState, training_id: str, fmt: str) -> None:
    """Show the figures of TRAINING per session (no names): registered, attended, fill rate,
    hours, satisfaction."""
    figures = training_figures(state.workspace(), training_id)
    if fmt == "json":
        click.echo(json.dumps(figures.to_dict(), ensure_ascii=False, indent=2))
        return
    rows = [s.to_dict() for s in figures.sessions]
    if fmt == "table":
        for row in rows:
            if row["hours_attended"] is not None:
                row["hours_attended"] = f"{row['hours_attended']:g}"
            for key in ("fill_rate", "satisfaction"):
                if row[key] is not None:
                    row[key] = (
                        f"{100 * row[key]:.0f} %" if key == "fill_rate" else f"{row[key]:.2f}"
                    )
    print_rows(rows, fmt, "No sessions.")
    if fmt == "table":
        fill = "" if figures.fill_rate is None else f", fill rate {100 * figures.fill_rate:.0f} %"
        click.echo(
            f"{figures.title}: {figures.registered} registered, {figures.attended} attended, "
            f"{figures.hours_attended:g} hours{fill}",
            err=True,
        )


# --- rrma person, rrma forget -------------------------------------------------------------------


@click.group()
def person() -> None:
    """Personal data (GDPR): what is stored about a person."""


@person.command("show")
@click.argument("query", metavar="PERSON")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON to this file (default: standard output).")  # fmt: skip
@pass_state
def person_show(state: CliState, query: str, output: Path | None) -> None:
    """Export everything stored about PERSON (an id, an e-mail or a name) as JSON: every
    record and field where they appear, with the values (GDPR right of access)."""
    data = person_data(state.workspace(), query)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(data['records'])} entries to {output}", err=True)


@click.command("forget")
@click.argument("query", metavar="PERSON")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def forget_command(state: CliState, query: str, yes: bool) -> None:
    """Erase PERSON (an id, an e-mail or a name) from every record (GDPR right of erasure).

    Registrations and meeting attendance stay, without the person: statistics and
    indicators do not change. The person's id is kept in the erasure register, so a later
    sync or import does not bring them back. Files exported before, and backups, are not
    reached: see the personal data guide.
    """
    ws = state.workspace()
    data = person_data(ws, query)  # resolves the person, or says why not
    places = len(data["records"])
    ids = ", ".join(p["id"] for p in data["persons"])
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("not a terminal: give --yes to erase without confirmation")
        click.confirm(f"Erase {query} ({ids}) from {places} places?", abort=True)
    report = forget(ws, query)
    for record in report.records:
        where = ", ".join(record.paths) or "free text"
        mentions = f" ({record.mentions} mentions replaced)" if record.mentions else ""
        click.echo(f"Erased from {record.record_type} {record.record_id}: {where}{mentions}")
    for column, count in report.cleaned.items():
        click.echo(f"Cleaned {count} mentions in {column}")
    for column in report.leftovers:
        click.secho(f"Warning: {column} still holds the person (a key): check it", fg="yellow")
    click.echo(
        f"Erased {ids}. Registrations and attendance figures are kept, without the person; "
        "the id is in the erasure register."
    )


MANAGE_COMMANDS: list[click.Command] = [space, training, person, forget_command]

__all__ = ["MANAGE_COMMANDS"]
