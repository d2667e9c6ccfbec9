"""Indicators of calls for projects: by funder (Python), theme and closing month (SQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, not_, or_

from rrma_core.indicators._base import Scope
from rrma_core.indicators._counting import ByFacet, ByMonth, SqlIndicator, has_term, records
from rrma_core.indicators._labels import bilingual
from rrma_core.models import CallForProjects
from rrma_core.storage._index import fold_name

__all__ = ["CallsByFunder", "CallsByMonth", "CallsByTheme"]

_SCOPE = {
    "fr": (
        "Les appels à projets non retirés ; avec une période, ceux ouverts pendant la période "
        "(date limite après son début, ouverture avant sa fin). Avec une région, ceux dont le "
        "périmètre la comprend (la région ou l'un de ses départements) ou n'est pas limité à "
        "un territoire."
    ),
    "en": (
        "Calls for projects not withdrawn; with a period, those open during it (deadline after "
        "it starts, opening before it ends). With a région, those whose perimeter includes it "
        "(the région or one of its départements) or is not limited to a territory."
    ),
}


def _method(fr: str, en: str) -> Mapping[str, str]:
    return bilingual(f"{_SCOPE['fr']} {fr}", f"{_SCOPE['en']} {en}")


class _Calls(SqlIndicator):
    record_type = "call"

    def base(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Calls not withdrawn, for the région if given (no period)."""
        conditions: list[ColumnElement[bool]] = [
            records.c.record_type == "call",
            records.c.withdrawn_at.is_(None),
        ]
        if scope.region is not None:
            territorial = or_(has_term("region"), has_term("departement"))
            conditions.append(
                or_(
                    has_term("region", [scope.region]),
                    has_term("departement", scope.departements()),
                    not_(territorial),
                )
            )
        return conditions

    def conditions(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Calls open at some time during the period (every call without one)."""
        conditions = self.base(scope)
        if scope.low is not None and scope.high is not None:
            conditions.append(or_(records.c.deadline.is_(None), records.c.deadline > scope.low))
            conditions.append(or_(records.c.start_at.is_(None), records.c.start_at < scope.high))
        return conditions


class CallsByTheme(_Calls, ByFacet):
    """``calls.by_theme``: calls for projects by theme (sector)."""

    key = "calls.by_theme"
    labels = bilingual(
        "Appels à projets par thème",
        "Calls for projects by theme",
    )
    dimensions = ("sector",)
    facet = "theme"
    method = _method(
        "Un appel compte sous chacun de ses thèmes (vocabulaire « sectors ») ; sans thème, "
        "sous « Non renseigné ».",
        'A call counts under each of its themes (the "sectors" vocabulary); without any, '
        'under "Not given".',
    )
    note = bilingual(
        "Un appel compte une fois pour chacun de ses thèmes : le total des valeurs "
        "dépasse le nombre d'appels.",
        "A call counts once for each of its themes: the values add up to more than the "
        "number of calls.",
    )


class CallsByMonth(_Calls, ByMonth):
    """``calls.by_month``: calls for projects by the month of their deadline."""

    key = "calls.by_month"
    labels = bilingual(
        "Appels à projets par mois de clôture",
        "Calls for projects by closing month",
    )
    end_inclusive = True
    method = bilingual(
        "Les appels non retirés qui ont une date limite, comptés dans le mois où elle "
        "tombe (fuseau horaire de l'espace de travail ; une date limite « 31 janvier » clôt en "
        "janvier) ; avec une période, ceux qui clôturent dans la période. Avec une région, comme "
        "les autres indicateurs d'appels. Les appels sans date limite ne sont pas comptés.",
        "Calls not withdrawn that have a deadline, counted in the month it falls in "
        '(workspace time zone; a deadline of "31 January" closes in January); with a period, '
        "those closing in it. With a région, as the other call indicators. Calls without a "
        "deadline are not counted.",
    )

    def rows(self, scope: Scope) -> list[Mapping[str, Any]]:
        """One row per closing month with calls, in order."""
        deadline = records.c.deadline
        where = [*self.base(scope), deadline.is_not(None)]
        if scope.low is not None and scope.high is not None:
            where += [deadline > scope.low, deadline <= scope.high]
        return self.monthly(scope, deadline, records.c.id, where, records, distinct=False)[0]


class CallsByFunder(_Calls):
    """``calls.by_funder``: calls for projects by funder (read from the records, in Python)."""

    key = "calls.by_funder"
    labels = bilingual(
        "Appels à projets par financeur",
        "Calls for projects by funder",
    )
    dimensions = ("funder",)
    computed_in = "python"
    method = _method(
        "Les appels sont lus dans la base (sélection en SQL) et comptés en Python sous chacun "
        "de leurs financeurs, reconnus par leur identifiant d'acteur ou, à défaut, par leur nom "
        "sans casse ni accents ; sans financeur, sous « Non renseigné ».",
        "Calls are read from the database (selected in SQL) and counted in Python under each "
        "of their funders, known by their actor id or else by their name, case and accents "
        'ignored; without any, under "Not given".',
    )
    note = bilingual(
        "Un appel cofinancé compte pour chacun de ses financeurs : le total des valeurs "
        "peut dépasser le nombre d'appels.",
        "A call with several funders counts for each of them: the values may add up to "
        "more than the number of calls.",
    )

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """One row per funder (its code: actor id or folded name), labelled with its name."""
        counts: Counter[str | None] = Counter()
        names: dict[str, str] = {}
        for call in scope.load(CallForProjects, *self.conditions(scope)):
            keys = set()
            for funder in call.funders:
                key = funder.id or fold_name(funder.name or "")
                names.setdefault(key, funder.name or key)
                keys.add(key)
            for key in keys or {None}:
                counts[key] += 1
        rows: list[dict[str, Any]] = []
        for key, count in counts.items():
            row: dict[str, Any] = {"funder": key, "value": count}
            if key is not None:
                row["label"] = names[key]
            rows.append(row)
        return rows

    def total(self, scope: Scope) -> float | None:
        """How many calls were counted."""
        return self.count(scope)
