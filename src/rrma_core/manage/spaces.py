"""Managing multi-actor spaces: members and their roles, meetings, a space's activity.

Every operation reads the stored space, changes it, validates it again and stores it in one
transaction ([`Workspace.modify`][rrma_core.Workspace.modify]), so two people recording
meetings of the same space at once both keep theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rrma_core.manage._common import (
    ManagementError,
    Period,
    PersonLike,
    actor_ref,
    change,
    day_of,
    load,
    period_range,
    person,
    same_actor,
)
from rrma_core.models import Actor, ActorRef, Meeting, Membership, MultiActorSpace, Place

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = [
    "ActivityItem",
    "SpaceActivity",
    "add_member",
    "change_role",
    "create_space",
    "current_members",
    "end_membership",
    "record_meeting",
    "space_activity",
]

ActorLike = ActorRef | Actor | str


def create_space(ws: Workspace, **fields: Any) -> MultiActorSpace:
    """Create and store a space from its fields (``name``, ``space_kind``, ``themes``...).

    Members may be given as actor ids or names (``members=["annuaire-resacoop"]``).

    Example:
        ```python
        space = create_space(ws, name="Groupe pays Sénégal", space_kind="geographic",
                             countries=["SN"])
        ```

    Raises:
        InvalidRecord: when the fields do not make a valid space.
        StorageError: when a record with its id is already stored.
    """
    members = [
        m if isinstance(m, Membership | Mapping) else Membership(actor=actor_ref(ws, m))
        for m in fields.pop("members", [])
    ]
    space = MultiActorSpace.parse({**fields, "members": members}, item=fields.get("id"))
    stored = ws.add(space)
    assert isinstance(stored, MultiActorSpace)
    return stored


def _find(space: MultiActorSpace, ref: ActorRef) -> int | None:
    for index, membership in enumerate(space.members):
        if same_actor(membership.actor, ref):
            return index
    return None


def add_member(
    ws: Workspace,
    space: MultiActorSpace | str,
    actor: ActorLike,
    *,
    role: str = "member",
    since: date | None = None,
) -> Membership:
    """Add an actor to a space's members.

    Args:
        ws: The workspace.
        space: The space, or its id.
        actor: An actor's record id, its name (found in the directory when it is there) or
            an ``ActorRef``.
        role: ``"member"``, ``"animator"``, ``"observer"``...
        since: When the actor joined.

    Returns:
        The new membership.

    Raises:
        ManagementError: when the actor is already a member (use
            [`change_role`][rrma_core.manage.change_role] or
            [`end_membership`][rrma_core.manage.end_membership]).
    """
    ref = actor_ref(ws, actor)
    membership = Membership(actor=ref, role=role, since=since)

    def edit(stored: MultiActorSpace) -> MultiActorSpace:
        index = _find(stored, ref)
        if index is not None:
            current = stored.members[index]
            until = f", until {current.until}" if current.until else ""
            raise ManagementError(
                f"{ref} is already a member of space {stored.id!r} (role {current.role!r}"
                f"{until}): use change_role or end_membership"
            )
        return stored.model_copy(update={"members": [*stored.members, membership]})

    change(ws, space, MultiActorSpace, edit)
    return membership


def _member_edit(
    ws: Workspace, space: MultiActorSpace | str, actor: ActorLike, **updates: Any
) -> Membership:
    ref = actor_ref(ws, actor)
    result: list[Membership] = []

    def edit(stored: MultiActorSpace) -> MultiActorSpace:
        index = _find(stored, ref)
        if index is None:
            known = ", ".join(str(m.actor) for m in stored.members) or "none"
            raise ManagementError(
                f"{ref} is not a member of space {stored.id!r} (members: {known})"
            )
        members = list(stored.members)
        members[index] = Membership.model_validate({**members[index].model_dump(), **updates})
        result.append(members[index])
        return stored.model_copy(update={"members": members})

    change(ws, space, MultiActorSpace, edit)
    return result[0]


def end_membership(
    ws: Workspace, space: MultiActorSpace | str, actor: ActorLike, *, until: date | None = None
) -> Membership:
    """Record that an actor left a space on ``until`` (default: today).

    The membership stays, with its end, so that the space's history and the indicators of
    past periods stay right.

    Raises:
        ManagementError: when the actor is not a member, or ``until`` is before it joined.
    """
    day = until or date.today()
    ref = actor_ref(ws, actor)
    stored = load(ws, space, MultiActorSpace)
    index = _find(stored, ref)
    if index is not None:
        since = stored.members[index].since
        if since is not None and day < since:
            raise ManagementError(f"{ref} cannot leave on {day}: it joined on {since}")
    return _member_edit(ws, space, actor, until=day)


def change_role(
    ws: Workspace, space: MultiActorSpace | str, actor: ActorLike, role: str
) -> Membership:
    """Change a member's role (``"animator"``, ``"observer"``...).

    Raises:
        ManagementError: when the actor is not a member.
    """
    if not role.strip():
        raise ManagementError("a role cannot be empty")
    return _member_edit(ws, space, actor, role=role.strip())


def record_meeting(
    ws: Workspace,
    space: MultiActorSpace | str,
    *,
    start: date | datetime,
    end: date | datetime | None = None,
    title: str | None = None,
    attendance: int | None = None,
    organisations_present: Iterable[ActorLike] = (),
    participants: Iterable[PersonLike] = (),
    venue: Place | Mapping[str, Any] | None = None,
    online_url: str | None = None,
    minutes_url: str | None = None,
    id: str | None = None,
) -> Meeting:
    """Record a meeting of a space, with who came.

    ``attendance`` is the number of people present. When it is not given it is the number of
    ``participants``, so that the figure stays when a participant is erased (GDPR).
    Participants are personal data; organisations present are actors (ids or names).

    Raises:
        ManagementError: when the space already has a meeting with that id (same dates), or
            ``attendance`` is below the number of participants named.
        InvalidRecord: for a bad date span, e-mail or URL.
    """
    people = [person(p) for p in participants]
    if attendance is None and people:
        attendance = len(people)
    if attendance is not None and attendance < len(people):
        raise ManagementError(
            f"attendance {attendance} is below the {len(people)} participants named"
        )
    data: dict[str, Any] = {
        "start": start,
        "end": end,
        "title": title,
        "attendance": attendance,
        "organisations_present": [actor_ref(ws, a) for a in organisations_present],
        "participants": people,
        "venue": venue,
        "online_url": online_url,
        "minutes_url": minutes_url,
    }
    if id:
        data["id"] = id
    meeting = _meeting({k: v for k, v in data.items() if v is not None})

    def edit(stored: MultiActorSpace) -> MultiActorSpace:
        if any(m.id == meeting.id for m in stored.meetings):
            raise ManagementError(
                f"space {stored.id!r} already has a meeting {meeting.id!r} "
                f"(starting {meeting.start}): give another id"
            )
        meetings = sorted([*stored.meetings, meeting], key=lambda m: _sort_key(m.start))
        return stored.model_copy(update={"meetings": meetings})

    change(ws, space, MultiActorSpace, edit)
    return meeting


def _meeting(data: dict[str, Any]) -> Meeting:
    import pydantic

    from rrma_core.errors import InvalidRecord

    try:
        return Meeting.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidRecord.from_validation_error(error, item="meeting") from None


def _sort_key(value: date | datetime) -> tuple[date, str]:
    return day_of(value), value.isoformat() if isinstance(value, datetime) else ""


@dataclass(frozen=True)
class ActivityItem:
    """One line of a space's activity.

    Attributes:
        day: The day it happened.
        kind: ``"meeting"``, ``"joined"`` or ``"left"``.
        title: The meeting's title, or the actor's name.
        start: The meeting's start (a date or date-time); the day for members.
        attendance: How many people came (meetings).
        organisations: How many organisations were present (meetings).
        role: The member's role (``joined`` and ``left``).
        ref: The meeting's id, or the actor's id (or name when it has no id).
    """

    day: date
    kind: str
    title: str
    start: date | datetime
    attendance: int | None = None
    organisations: int | None = None
    role: str | None = None
    ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data (dates in ISO 8601)."""
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["start"] = self.start.isoformat()
        return data


class SpaceActivity(list[ActivityItem]):
    """A space's activity, oldest first, that converts to a DataFrame."""

    def to_dataframe(self) -> Any:
        """One row per item (pandas is the optional extra ``rrma-core[pandas]``)."""
        from rrma_core.dataframes import _pandas

        pandas = _pandas()
        columns = [
            "day", "kind", "title", "start", "attendance", "organisations", "role", "ref"
        ]  # fmt: skip
        frame = pandas.DataFrame([asdict(item) for item in self], columns=columns)
        frame["day"] = pandas.to_datetime(frame["day"])
        frame["attendance"] = frame["attendance"].astype("Int64")
        frame["organisations"] = frame["organisations"].astype("Int64")
        return frame


def space_activity(
    ws: Workspace, space: MultiActorSpace | str, period: Period | None = None
) -> SpaceActivity:
    """A space's activity, oldest first: its meetings, and members joining and leaving.

    Args:
        ws: The workspace.
        space: The space, or its id.
        period: Only what happened in it: a ``DateRange``, a year, or ``(start, end)``.

    Example:
        ```python
        for item in space_activity(ws, "groupe-pays-senegal", period=2026):
            print(item.day, item.kind, item.title, item.attendance)
        ```
    """
    stored = load(ws, space, MultiActorSpace)
    wanted = period_range(period)
    items: list[ActivityItem] = []
    for meeting in stored.meetings:
        items.append(
            ActivityItem(
                day=day_of(meeting.start),
                kind="meeting",
                title=meeting.title or "",
                start=meeting.start,
                attendance=meeting.attendance,
                organisations=len(meeting.organisations_present),
                ref=meeting.id,
            )
        )
    for membership in stored.members:
        ref = membership.actor.id or membership.actor.name
        for kind, day in (("joined", membership.since), ("left", membership.until)):
            if day is not None:
                items.append(
                    ActivityItem(
                        day=day,
                        kind=kind,
                        title=str(membership.actor),
                        start=day,
                        role=membership.role,
                        ref=ref,
                    )
                )
    order = {"left": 0, "joined": 1, "meeting": 2}
    items.sort(key=lambda i: (i.day, order[i.kind], _sort_key(i.start), i.title))
    return SpaceActivity(i for i in items if wanted is None or i.day in wanted)


def current_members(space: MultiActorSpace, on: date | None = None) -> Sequence[Membership]:
    """The memberships of ``space`` current on day ``on`` (all without a day)."""
    if on is None:
        return list(space.members)
    return [
        m
        for m in space.members
        if (m.since is None or m.since <= on) and (m.until is None or m.until >= on)
    ]
