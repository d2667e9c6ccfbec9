"""Indicators of trainings and multi-actor spaces (Python).

Their measures (hours, registrations, satisfaction, members, meetings, attendance) live inside
the records' JSON, and a network has tens of trainings and spaces, not thousands: the
records are selected in SQL (type, région) and read and counted in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from rrma_core.indicators._base import Indicator, Scope
from rrma_core.indicators._counting import has_term, records, terms
from rrma_core.indicators._labels import bilingual
from rrma_core.models import MultiActorSpace, Training
from rrma_core.models.space import Membership
from rrma_core.storage._index import fold_name

__all__ = ["SpacesByKind", "SpacesMembersByActorType", "TrainingsByFormat", "TrainingsByTheme"]

_SCORE = "score/5"


@dataclass
class _TrainingFigures:
    """What is summed for one group of trainings."""

    trainings: int = 0
    sessions: int = 0
    hours: float = 0.0
    registered: int = 0
    participants: int = 0
    capacity: int = 0
    registered_in_capacity: int = 0
    scores: float = 0.0
    responses: float = 0.0

    def add(self, training: Training, scope: Scope) -> bool:
        """Add ``training``'s sessions in the period; whether it had any (or has no period)."""
        sessions = [s for s in training.sessions if scope.contains(s.start)]
        if scope.period is not None and not sessions:
            return False
        self.trainings += 1
        self.sessions += len(sessions)
        if training.hours and training.sessions:
            self.hours += training.hours * len(sessions) / len(training.sessions)
        for session in sessions:
            self.registered += session.registered
            self.participants += session.attended
            if session.capacity:
                self.capacity += session.capacity
                self.registered_in_capacity += session.registered
            evaluation = session.evaluation
            if evaluation is not None and evaluation.satisfaction is not None:
                weight = evaluation.responses or 1
                self.scores += evaluation.satisfaction * weight
                self.responses += weight
            else:
                for registration in session.registrations:
                    if registration.satisfaction is not None:
                        self.scores += registration.satisfaction
                        self.responses += 1
        return True

    def measures(self) -> list[tuple[str, float | int | None, str]]:
        """``(measure, value, unit)`` in the order reports show them."""
        fill = 100 * self.registered_in_capacity / self.capacity if self.capacity else None
        satisfaction = self.scores / self.responses if self.responses else None
        return [
            ("trainings", self.trainings, "count"),
            ("sessions", self.sessions, "count"),
            ("hours", self.hours, "hours"),
            ("registered", self.registered, "count"),
            ("participants", self.participants, "count"),
            ("fill_rate", fill, "percent"),
            ("satisfaction", satisfaction, _SCORE),
        ]


_TRAINING_METHOD = bilingual(
    (
        "Les formations non retirées (sélection en SQL ; avec une région, celles dont la "
        "première session a lieu dans la région) sont lues et comptées en Python. Avec une "
        "période, seules comptent les sessions qui y commencent (jour du fuseau horaire de "
        "l'espace de travail), et les formations qui en ont au moins une. Mesures : formations ; "
        "sessions ; heures (la durée de la formation, répartie à parts égales entre ses sessions) "
        "; inscrits (inscriptions ni annulées ni en liste d'attente) ; participants "
        "(inscriptions marquées présentes) ; taux de remplissage (inscrits sur places, en %, "
        "sur les sessions dont la capacité est connue) ; satisfaction (moyenne des notes sur 5 : "
        "celle de l'évaluation d'une session, pondérée par son nombre de réponses, sinon les "
        "notes des inscrits)."
    ),
    (
        "Trainings not withdrawn (selected in SQL; with a région, those whose first session "
        "takes place in it) are read and counted in Python. With a period, only the sessions "
        "starting in it count (days of the workspace time zone), and the trainings having at "
        "least one. Measures: trainings; sessions; hours (the training's length, shared "
        "equally among its sessions); registered (registrations neither cancelled nor on the "
        "waiting list); participants (registrations marked attended); fill rate (registered "
        "over places, in %, for sessions with a known capacity); satisfaction (mean score out "
        "of 5: a session's evaluation, weighted by its responses, else the trainees' scores)."
    ),
)


class _TrainingIndicator(Indicator):
    record_type = "training"
    unit = "count"
    sort_by_value = False
    units_per_row = True

    def groups(self, training: Training) -> Iterable[str | None]:
        """The values of the grouping dimension for one training."""
        raise NotImplementedError

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """Seven measures per group (trainings, sessions, hours...), biggest groups first."""
        conditions = []
        if scope.region is not None:
            conditions.append(records.c.region == scope.region)
        figures: dict[str | None, _TrainingFigures] = defaultdict(_TrainingFigures)
        for training in scope.load(Training, *conditions):
            groups = list(self.groups(training)) or [None]
            for group in groups:
                if not figures[group].add(training, scope):
                    break
        dimension = self.dimensions[0]
        order = sorted(figures, key=lambda g: (g is None, -figures[g].trainings, g or ""))
        return [
            {dimension: group, "measure": measure, "value": value, "unit": unit}
            for group in order
            if figures[group].trainings
            for measure, value, unit in figures[group].measures()
        ]


class TrainingsByFormat(_TrainingIndicator):
    """``trainings.by_format``: trainings by format, with seven measures each."""

    key = "trainings.by_format"
    labels = bilingual(
        "Formations par format",
        "Trainings by format",
    )
    dimensions = ("training_format", "measure")
    method = _TRAINING_METHOD
    note = bilingual(
        "Une ligne par format et par mesure : additionner les valeurs n'a de sens que "
        "pour une même mesure de comptage.",
        "One row per format and measure: values add up only within one counting measure.",
    )

    def groups(self, training: Training) -> Iterable[str | None]:
        """The training's format."""
        return [training.training_format.value if training.training_format else None]


class TrainingsByTheme(_TrainingIndicator):
    """``trainings.by_theme``: trainings by training theme, with seven measures each."""

    key = "trainings.by_theme"
    labels = bilingual(
        "Formations par thème",
        "Trainings by theme",
    )
    dimensions = ("training_theme", "measure")
    method = _TRAINING_METHOD
    note = bilingual(
        "Une formation compte pour chacun de ses thèmes (avec toutes ses sessions, "
        "heures et inscrits) : les totaux par mesure dépassent ceux de l'ensemble des "
        "formations (trainings.by_format).",
        "A training counts for each of its themes (with all its sessions, hours and "
        "trainees): totals per measure exceed those of all trainings (trainings.by_format).",
    )

    def groups(self, training: Training) -> Iterable[str | None]:
        """The training's themes."""
        return list(training.themes)


def _member_in_period(membership: Membership, scope: Scope) -> bool:
    period = scope.period
    if period is None:
        return True
    started = membership.since is None or membership.since <= period.end
    return started and (membership.until is None or membership.until >= period.start)


class _SpaceIndicator(Indicator):
    record_type = "space"
    sort_by_value = False

    def spaces(self, scope: Scope) -> list[MultiActorSpace]:
        """The spaces counted: not withdrawn; with a région, those that name it (or one of its
        départements)."""
        conditions: list[ColumnElement[bool]] = []
        if scope.region is not None:
            conditions.append(
                or_(
                    has_term("region", [scope.region]),
                    has_term("departement", scope.departements()),
                )
            )
        return scope.load(MultiActorSpace, *conditions)


_SPACE_SCOPE = {
    "fr": (
        "Les espaces multi-acteurs non retirés (sélection en SQL ; avec une région, ceux qui "
        "la nomment, ou l'un de ses départements), lus et comptés en Python. Avec une période, "
        "les adhésions en cours pendant la période (depuis / jusqu'au) et les réunions qui y "
        "commencent ; sans période, toutes."
    ),
    "en": (
        "Multi-actor spaces not withdrawn (selected in SQL; with a région, those that name it "
        "or one of its départements), read and counted in Python. With a period, memberships "
        "current during it (since / until) and meetings starting in it; without one, all."
    ),
}


class SpacesByKind(_SpaceIndicator):
    """``spaces.by_kind``: multi-actor spaces by kind: members, meetings and attendance."""

    units_per_row = True
    key = "spaces.by_kind"
    labels = bilingual(
        "Espaces multi-acteurs par type",
        "Multi-actor spaces by kind",
    )
    dimensions = ("space_kind", "measure")
    method = bilingual(
        _SPACE_SCOPE["fr"] + " Mesures : espaces ; membres (adhésions) ; réunions ; "
        "participants aux réunions (somme des présences connues) ; participants par réunion "
        "(moyenne sur les réunions dont la présence est connue).",
        _SPACE_SCOPE["en"] + " Measures: spaces; members (memberships); meetings; "
        "meeting attendance (sum of known attendance); attendance per meeting (mean over the "
        "meetings whose attendance is known).",
    )
    note = bilingual(
        "Une ligne par type d'espace et par mesure ; un acteur membre de deux espaces "
        "compte dans chacun.",
        "One row per kind of space and measure; an actor member of two spaces counts in each.",
    )

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """Five measures per kind of space, in the vocabulary's order."""
        figures: dict[str, Counter[str]] = defaultdict(Counter)
        for space in self.spaces(scope):
            counts = figures[space.space_kind.value]
            counts["spaces"] += 1
            counts["members"] += sum(1 for m in space.members if _member_in_period(m, scope))
            for meeting in space.meetings:
                if scope.contains(meeting.start):
                    counts["meetings"] += 1
                    if meeting.attendance is not None:
                        counts["attendance"] += meeting.attendance
                        counts["with_attendance"] += 1
        kinds = [t.code for t in scope.ws.vocabularies.get("space_kinds")]
        rows: list[dict[str, Any]] = []
        for kind in sorted(figures, key=lambda k: kinds.index(k) if k in kinds else len(kinds)):
            counts = figures[kind]
            mean = (
                counts["attendance"] / counts["with_attendance"]
                if counts["with_attendance"]
                else None
            )
            for measure, value in (
                ("spaces", counts["spaces"]),
                ("members", counts["members"]),
                ("meetings", counts["meetings"]),
                ("attendance", counts["attendance"]),
                ("attendance_mean", mean),
            ):
                unit = "count" if measure != "attendance_mean" else "people/meeting"
                rows.append({"space_kind": kind, "measure": measure, "value": value, "unit": unit})
        return rows


class SpacesMembersByActorType(_SpaceIndicator):
    """``spaces.members_by_actor_type``: members of multi-actor spaces by kind and actor type."""

    key = "spaces.members_by_actor_type"
    labels = bilingual(
        "Membres des espaces multi-acteurs par type d'acteur",
        "Members of multi-actor spaces by actor type",
    )
    dimensions = ("space_kind", "actor_type")
    method = bilingual(
        _SPACE_SCOPE["fr"] + " Chaque adhésion compte une fois, sous le type de l'acteur "
        "membre, trouvé dans l'annuaire par son identifiant ou, à défaut, par son nom (sans "
        "casse ni accents) ; un membre absent de l'annuaire compte sous « Non renseigné ».",
        _SPACE_SCOPE["en"] + " Each membership counts once, under the member's actor "
        "type, found in the directory by its id or else by its name (case and accents "
        'ignored); a member missing from the directory counts under "Not given".',
    )
    note = bilingual(
        "Un acteur membre de deux espaces compte deux fois.",
        "An actor member of two spaces counts twice.",
    )

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """One row per kind of space and actor type, most members first."""
        spaces = self.spaces(scope)
        memberships = [
            (space.space_kind.value, m)
            for space in spaces
            for m in space.members
            if _member_in_period(m, scope)
        ]
        types = _actor_types(scope, [m for _, m in memberships])
        counts: Counter[tuple[str, str | None]] = Counter()
        for kind, membership in memberships:
            ref = membership.actor
            actor_type = types.get(ref.id or "") or types.get(fold_name(ref.name or ""))
            counts[kind, actor_type] += 1
        kinds = [t.code for t in scope.ws.vocabularies.get("space_kinds")]
        ordered = sorted(
            counts.items(),
            key=lambda item: (
                kinds.index(item[0][0]),
                item[0][1] is None,
                -item[1],
                item[0][1] or "",
            ),
        )
        return [
            {"space_kind": kind, "actor_type": actor_type, "value": count}
            for (kind, actor_type), count in ordered
        ]


def _actor_types(scope: Scope, memberships: list[Membership]) -> dict[str, str]:
    """``{actor id or folded name: actor type}`` for the members found in the directory."""
    ids = sorted({m.actor.id for m in memberships if m.actor.id})
    names = sorted({fold_name(m.actor.name) for m in memberships if m.actor.name})
    found: dict[str, str] = {}
    actors = [records.c.record_type == "actor", records.c.withdrawn_at.is_(None)]
    for start in range(0, len(ids), 500):
        query = select(records.c.id, records.c.category).where(
            *actors, records.c.id.in_(ids[start : start + 500])
        )
        found.update({str(i): str(c) for i, c in scope.execute(query)})
    for start in range(0, len(names), 500):
        query = (
            select(terms.c.code, records.c.category)
            .select_from(terms.join(records, records.c.id == terms.c.record_id))
            .where(*actors, terms.c.facet == "name", terms.c.code.in_(names[start : start + 500]))
            .order_by(terms.c.code, records.c.id)
        )
        for name, category in scope.execute(query):
            found.setdefault(str(name), str(category))
    return found
