"""Reading what French funders write in a call for projects: dates, amounts, who may apply.

Every reader here takes the entry's plain text (title and body) and returns what it can
*read*, never what it would have to guess: a sentence it does not understand leaves the
field empty.

- Deadlines: a date (``15 janvier 2027``, ``1er février``, ``31/03/2027``, ``2027-03-31``),
  with an optional time (``à 12h``, ``à 12 h 30``, ``à midi``), counts as the deadline when
  the words just before it say so (``date limite``, ``clôture``, ``jusqu'au``, ``au plus
  tard``, ``dépôt des dossiers``; ``avant le`` counts less; ``prolongée au`` counts most).
  A date without a year is the first such day on or after the entry's publication day;
  without a publication date it is left empty.
- Opening dates: ``ouverture le ...``, ``à partir du ...``, ``candidatures du ... au ...``.
- Amounts: ``jusqu'à 50 000 €``, ``de 10 000 à 30 000 euros``, ``entre 5 et 15 k€``,
  ``1,5 M€``, ``plafonnée à``, ``minimum``, a grant ``de 3 000 €``; a rate ``taux de 80 %``,
  ``80 % du budget``. A call's total envelope (``enveloppe globale de 1 M€``) is not a
  per-project amount and is left out.
- Eligible actor types, in the sentences that say who may apply (``éligibles``,
  ``s'adresse aux``, ``peuvent candidater``, ``ouvert aux``...) and the lists they open.
- Funders named on a ``Financeur(s) :`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from rrma_core.vocabularies import FRENCH_MONTH_NUMBERS, ActorType
from rrma_rss._fold import fold

__all__ = [
    "DateMention",
    "read_actor_types",
    "read_amount",
    "read_dates",
    "read_funders",
]

# --- Dates ----------------------------------------------------------------------------------

_MONTHS = FRENCH_MONTH_NUMBERS
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"""
    (?=\d)  # (every date starts with a digit: a fast scan; see _NOT_AFTER)
    (?:
        (?P<day>[0-3]?\d)(?:er|e)?\s+(?P<month>{_MONTH})\b\.?(?:\s+(?P<year>\d{{4}}))?
      | (?P<nday>[0-3]?\d)(?P<sep>[/.-])(?P<nmonth>[01]?\d)
        (?:(?P=sep)(?P<nyear>\d{{4}}|\d{{2}}))?(?![\d/.-]?\d)
      | (?P<iyear>\d{{4}})-(?P<imonth>[01]\d)-(?P<iday>[0-3]\d)
    )
    (?:
        \s*,?\s*(?:a|avant|jusqu'a|-)?\s*
        (?:
            (?P<hour>[012]?\d)\s*(?:h|:)\s*(?P<minute>[0-5]\d)?(?!\d)
          | (?P<midi>midi)
          | minuit
        )
    )?
    """,
    re.VERBOSE,
)

#: Words right before a date that make it a deadline, by strength (0 is strongest).
_DEADLINE_TRIGGERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (
        0,
        re.compile(
            r"(?:prolong|report|repouss|proroge|decal)\w*\s+(?:jusqu'\s*)?(?:au|a|le)\b"
            r"|nouvelle\s+date\s+limite"
        ),
    ),
    (
        1,
        re.compile(
            r"date\s+(?:limite|butoir|de\s+cloture)|deadline|cloture|clos\b|\bfin\s+de\s+l'appel"
            r"|jusqu'\s*(?:au|a)\b|au\s+plus\s+tard|echeance"
            r"|(?:depot|envoi|remise|reception|retour|soumission|transmission)s?\s+"
            r"(?:de\s+(?:la\s+|votre\s+|vos\s+)?|des\s+|du\s+|d')?"
            r"(?:dossiers?|candidatures?|projets?|propositions?|demandes?|formulaires?|notes?)"
            r"|(?:a|sont\s+a|doivent\s+etre)\s+(?:deposer|envoyer|transmettre|remettre|adresser"
            r"|soumettre|deposees?|envoyees?|transmises?|remises?)"
        ),
    ),
    (2, re.compile(r"\bavant\b|\bd'ici\s+(?:le|au)\b")),
)
_OPENING_TRIGGER = re.compile(
    r"ouverture|ouvert(?:e|es|s)?\s+(?:le|a\s+partir|des)\b|a\s+partir\s+du|\bdes\s+le\b"
    r"|lancement|lance\s+le|debut\s+des\s+(?:candidatures|depots|inscriptions)"
)
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
# "candidatures du 1er décembre au 15 janvier": the first date opens, the second closes.
_RANGE_START = re.compile(
    rf"(?:candidat|depot|dossier|appel|inscription|ouvert|soumission)[^\n]{{0,60}}?\bdu\s+{_WEEKDAY}$"
)
_RANGE_END = re.compile(rf"^\s*(?:au|jusqu'\s*au|-)\s*{_WEEKDAY}$")
# Dates of something else than applying: results, project periods, reports, events.
_NOT_APPLYING = re.compile(
    r"resultat|reponse|jury|selection|laureat|notifi|comite|annonce|publie|versement"
    r"|realise|mise\s+en\s+(?:oeuvre|œuvre)|demarr|debut\s+(?:du|des)\s+projet|rapport|bilan"
    r"|evenement|webinaire|reunion|session\s+d'information|atelier"
)
# ... and, around a weak trigger ("avant le"), registering for something or taking part.
_NOT_APPLYING_WEAK = re.compile(r"inscri|particip|assister|s'enregistr")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)|\n")
# A date or an amount does not start inside a word or a number (checked by hand: a
# look-behind at the start of a pattern slows its scan down threefold).
_NOT_AFTER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_/.,-")
_WINDOW = 160


@dataclass(frozen=True)
class DateMention:
    """A date read in the text, with what the words before it say it is.

    Attributes:
        value: The day, or an aware date-time when a time was given.
        kind: ``"deadline"``, ``"opening"`` or ``None`` (a date of something else).
        strength: For deadlines, how clearly the words say so (0 is clearest).
        start: Where the date starts in the text.
        text: The date as written.
    """

    value: date | datetime
    kind: str | None
    strength: int
    start: int
    text: str

    @property
    def day(self) -> date:
        """The calendar day of the mention."""
        return self.value.date() if isinstance(self.value, datetime) else self.value


def _year_of(raw: str | None) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    return 2000 + year if len(raw) == 2 else year


def _day_of(day: int, month: int, year: int | None, published: date | None) -> date | None:
    """The date, or without a year the first such day on or after ``published``."""
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if published is None:
        return None
    for candidate_year in range(published.year, published.year + 5):  # 29 February
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= published:
            return candidate
    return None


def _value_of(match: re.Match[str], published: date | None, tz: tzinfo) -> date | datetime | None:
    groups = match.groupdict()
    if groups["month"]:
        day = _day_of(
            int(groups["day"]), _MONTHS[groups["month"]], _year_of(groups["year"]), published
        )
    elif groups["nmonth"]:
        if groups["nyear"] is None and groups["sep"] != "/":
            return None  # "12.5" or "3-4" without a year is not a date
        day = _day_of(
            int(groups["nday"]), int(groups["nmonth"]), _year_of(groups["nyear"]), published
        )
    else:
        day = _day_of(int(groups["iday"]), int(groups["imonth"]), int(groups["iyear"]), published)
    if day is None:
        return None
    hour, minute = groups["hour"], groups["minute"]
    if groups["midi"]:
        return datetime.combine(day, time(12, 0), tz)
    if hour is not None and int(hour) <= 23:
        return datetime.combine(day, time(int(hour), int(minute or 0)), tz)
    return day  # "minuit", "24h" or no time: the whole day


def _classify(window: str) -> tuple[str | None, int]:
    """What the words before a date make of it: (kind, strength).

    The trigger closest to the date decides the kind; the clearest deadline trigger of the
    sentence gives the strength. Words about something else than applying (results,
    reports, a webinar) between a clear trigger and the date, or around a weak one, make it
    a date of something else.
    """
    closest: tuple[int, int, str] | None = None  # (start, end, kind)
    strength = 9
    for level, trigger in _DEADLINE_TRIGGERS:
        for found in trigger.finditer(window):
            strength = min(strength, level)
            if closest is None or found.end() > closest[1]:
                closest = (found.start(), found.end(), "deadline")
    for found in _OPENING_TRIGGER.finditer(window):
        if closest is None or found.end() > closest[1]:
            closest = (found.start(), found.end(), "opening")
    if closest is None:
        return None, 9
    start, end, kind = closest
    if kind == "opening":
        return "opening", 9
    if strength < 2:
        if _NOT_APPLYING.search(window, end):
            return None, 9
    elif _NOT_APPLYING.search(window, max(0, start - 50)) or _NOT_APPLYING_WEAK.search(window):
        return None, 9
    return "deadline", strength


def _mentions(
    folded: str, original: str, published: date | None, tz: tzinfo
) -> Iterator[DateMention]:
    previous_end = 0
    previous_kind: str | None = None
    for match in _DATE.finditer(folded):
        start = match.start()
        if start and folded[start - 1] in _NOT_AFTER:
            continue
        window_start = max(previous_end, start - _WINDOW)
        window = folded[window_start:start]
        ends = list(_SENTENCE_END.finditer(window))
        if ends:
            window = window[ends[-1].end() :]
        value = _value_of(match, published, tz)
        kind: str | None
        if _RANGE_END.match(window) and previous_kind == "range-start":
            kind, strength = "deadline", 1
        elif _RANGE_START.search(window):
            kind, strength = "range-start", 9
        else:
            kind, strength = _classify(window)
        previous_end, previous_kind = match.end(), kind
        if value is not None:
            yield DateMention(
                value=value,
                kind="opening" if kind == "range-start" else kind,
                strength=strength,
                start=start,
                text=original[start : match.end()].strip(),
            )


def read_dates(
    text: str, *, published: date | None, tz: tzinfo, folded: str | None = None
) -> tuple[date | datetime | None, date | datetime | None]:
    """The opening date and the deadline the text gives, each ``None`` when it gives none.

    Args:
        text: The entry's title and body as plain text.
        published: The entry's publication day (in ``tz``), to place dates given without a
            year; ``None`` leaves such dates unread.
        tz: The time zone of times given in the text ("à 12h").
        folded: ``fold(text)``, when the caller has it already.

    Returns:
        ``(opens_on, deadline)``: a date, or an aware date-time when a time is given.
        The deadline is the most clearly announced one (first in the text among equals),
        with the time of another mention of the same day if it has none. An opening date
        after the deadline is left out.
    """
    folded = fold(text) if folded is None else folded
    mentions = list(_mentions(folded, text, published, tz))
    deadlines = [m for m in mentions if m.kind == "deadline"]
    deadline: date | datetime | None = None
    if deadlines:
        best = min(deadlines, key=lambda m: (m.strength, m.start))
        deadline = best.value
        if not isinstance(deadline, datetime):
            timed = [m for m in deadlines if m.day == best.day and isinstance(m.value, datetime)]
            if timed:
                deadline = timed[0].value
    openings = [m for m in mentions if m.kind == "opening"]
    opens_on = openings[0].value if openings else None
    if opens_on is not None and deadline is not None:
        deadline_day = deadline.date() if isinstance(deadline, datetime) else deadline
        opening_day = opens_on.date() if isinstance(opens_on, datetime) else opens_on
        if opening_day > deadline_day:
            opens_on = None
    return opens_on, deadline


# --- Amounts --------------------------------------------------------------------------------

_NUM = r"(?:\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+[.,]\d{1,2}(?!\d)|\d+)"
_UNIT = r"(?:\s*(?:k|m|md|mds|millions?|milliards?|mille)(?![a-z]))"
_CURRENCY = r"(?:\s*(?:d'\s*|de\s+)?(?:€|euros?\b|eur\b))"
# Every sum of money in the text; what it is comes from the words around it.
_MONEY = re.compile(rf"(?=\d)(?P<n>{_NUM})(?P<u>{_UNIT})?{_CURRENCY}")
_OF = r"\s*(?:de\s+|d'\s*|:\s*)?$"
_RANGE_BEFORE = re.compile(
    rf"(?:\bde|\bentre)\s+(?<![\d,.])(?P<n>{_NUM})(?P<u>{_UNIT})?{_CURRENCY}?\s+(?:a|et)\s+$"
)
_MAX_BEFORE = re.compile(
    r"(?:jusqu'\s*a|plafonne\w*(?:\s+a)?|plafond|maximum|max\.?|au\s+plus|dans\s+la\s+limite\s+de"
    r"|ne\s+(?:pouvant|peut|pourra|doit)\s+(?:pas\s+)?(?:depasser|exceder)|n'excedant\s+pas"
    r"|limite\w*\s+a|pouvant\s+aller\s+jusqu'\s*a)" + _OF
)
_MAX_AFTER = re.compile(r"\s*(?:maximum|max\b|au\s+maximum|au\s+plus|plafond)")
_MIN_BEFORE = re.compile(
    r"(?:minimum|au\s+moins|au\s+minimum|a\s+partir\s+de|plancher|d'au\s+moins)" + _OF
)
_MIN_AFTER = re.compile(r"\s*(?:minimum|min\b|au\s+minimum|au\s+moins)")
_FIXED_BEFORE = re.compile(
    r"\b(?:subvention|aide|dotation|bourse|prix|forfait|prime)s?(?:\s+forfaitaires?)?"
    r"\s+(?:de|d'un\s+montant\s+de|:)\s*$"
)
_PERCENT = re.compile(r"(?=\d)(?P<r>\d{1,3}(?:,\d+)?)\s*%")
_RATE_BEFORE = re.compile(
    r"(?:taux\s+(?:de\s+(?:subvention|co-?financement|financement|prise\s+en\s+charge"
    r"|participation|intervention|aide|soutien)\s+)?(?:maximum\s+|max\.?\s+)?(?:de\s+|:\s*)?"
    r"|a\s+hauteur\s+(?:de\s+|d'\s*)?(?:maximum\s+)?|dans\s+la\s+limite\s+de\s+|jusqu'\s*a\s+"
    r"|maximum\s+(?:de\s+)?|plafonne\w*\s+a\s+)$"
)
_RATE_AFTER = re.compile(
    r"\s*(?:maximum\s+|max\.?\s+|au\s+plus\s+)?(?:du|des|de\s+la)\s+"
    r"(?:budget|cout|montant|depenses|projet|total|action)"
)
_ENVELOPE = re.compile(
    r"enveloppe|budget\s+(?:global|total)|dotation\s+(?:globale|totale)|au\s+total"
    r"|fonds\s+dote|montant\s+(?:global|total)"
)
_MULTIPLIERS = {"k": 1e3, "mille": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6}
_MULTIPLIERS |= {"md": 1e9, "mds": 1e9, "milliard": 1e9, "milliards": 1e9}
_THOUSANDS_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def _number(raw: str) -> float:
    raw = raw.replace(" ", "")
    if _THOUSANDS_DOTS.fullmatch(raw):
        raw = raw.replace(".", "")
    return float(raw.replace(",", "."))


def _scaled(raw: str, unit: str | None) -> float:
    value = _number(raw)
    if unit:
        value *= _MULTIPLIERS[unit.strip()]
    return round(value, 2)


def _before(folded: str, start: int, width: int = 70) -> str:
    """The words before ``start`` in its sentence (at most ``width`` characters)."""
    window = folded[max(0, start - width) : start]
    cut = max(window.rfind(". "), window.rfind("; "), window.rfind("\n"))
    return window[cut + 1 :] if cut >= 0 else window


def read_amount(text: str, folded: str | None = None) -> dict[str, Any] | None:
    """The amount a call grants per project, as the fields of an ``Amount``, or ``None``.

    Args:
        text: The entry's text.
        folded: ``fold(text)``, when the caller has it already.

    Returns:
        ``{"min", "max", "rate", "currency", "text"}`` with what was read (``text`` is the
        phrases as written, joined by ``" ; "``), or ``None`` when the text states no amount
        per project and no rate. The first range, maximum and minimum stated count; a
        single grant amount ("une aide de 3 000 €") is both minimum and maximum.
    """
    folded = fold(text) if folded is None else folded
    minimum = maximum = fixed = rate = None
    phrases: list[tuple[int, int]] = []
    if "€" in folded or "eur" in folded:
        for money in _MONEY.finditer(folded):
            if money.start() and folded[money.start() - 1] in _NOT_AFTER:
                continue
            before = _before(folded, money.start())
            if _ENVELOPE.search(before):
                continue  # the call's total budget, not an amount per project
            value = _scaled(money.group("n"), money.group("u"))
            after = folded[money.end() : money.end() + 20]
            if minimum is None and maximum is None and (low := _RANGE_BEFORE.search(before)):
                low_value = _number(low.group("n"))
                unit = low.group("u") or (
                    money.group("u") if low_value < _number(money.group("n")) else None
                )
                minimum, maximum = _scaled(low.group("n"), unit), value
                phrases.append((money.start() - len(before) + low.start(), money.end()))
            elif maximum is None and (found := _MAX_BEFORE.search(before)):
                maximum = value
                phrases.append((money.start() - len(before) + found.start(), money.end()))
            elif maximum is None and (tail := _MAX_AFTER.match(after)):
                maximum = value
                phrases.append((money.start(), money.end() + tail.end()))
            elif minimum is None and (found := _MIN_BEFORE.search(before)):
                minimum = value
                phrases.append((money.start() - len(before) + found.start(), money.end()))
            elif minimum is None and (tail := _MIN_AFTER.match(after)):
                minimum = value
                phrases.append((money.start(), money.end() + tail.end()))
            elif fixed is None and (found := _FIXED_BEFORE.search(before)):
                fixed = value
                phrases.append((money.start() - len(before) + found.start(), money.end()))
    if minimum is None and maximum is None and fixed is not None:
        minimum = maximum = fixed
    if "%" in folded:
        for percent in _PERCENT.finditer(folded):
            if percent.start() and folded[percent.start() - 1] in _NOT_AFTER:
                continue
            window = _before(folded, percent.start(), 50)
            found = _RATE_BEFORE.search(window)
            tail = _RATE_AFTER.match(folded, percent.end())
            value = _number(percent.group("r"))
            if (found or tail) and 0 < value <= 100:
                rate = value
                start = percent.start() - len(window) + found.start() if found else percent.start()
                phrases.append((start, tail.end() if tail else percent.end()))
                break
    if minimum is not None and maximum is not None and maximum < minimum:
        minimum = maximum = None  # contradictory: leave the range unread
    if minimum is None and maximum is None and rate is None:
        return None
    written = " ; ".join(" ".join(text[a:b].split()) for a, b in sorted(set(phrases)))
    return {"min": minimum, "max": maximum, "rate": rate, "currency": "EUR", "text": written}


# --- Who may apply -------------------------------------------------------------------------

_ELIGIBILITY = re.compile(
    r"eligib|beneficiaires|peuvent\s+(?:candidater|repondre|deposer|postuler|beneficier"
    r"|soumettre|presenter|etre\s+porte)|s'adresse|ouvert(?:e|es|s)?\s+(?:aux|a)\b"
    r"|destine(?:e|es|s)?\s+(?:aux|a)\b|reserve(?:e|es|s)?\s+(?:aux|a)\b|porteurs?\s+de\s+projets?"
    r"|qui\s+peut|publics?\s+cibles?|structures?\s+concernees|candidats?\s*:|pour\s+les\b"
    r"|a\s+destination\s+d(?:es|u)\b|en\s+direction\s+des\b"
)
# Checked in this order; a phrase read as one type is not read again as a later one
# ("associations de migrants" is an OSIM, not also an association). Each pattern comes with
# substrings one of which any match contains.
_ACTOR_PATTERNS: tuple[tuple[ActorType, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ActorType.OSIM,
        ("osim", "migra", "diaspora"),
        re.compile(
            r"\bosims?\b|organisations?\s+de\s+solidarite\s+internationale\s+issues?\s+des?\s+"
            r"(?:la\s+)?migrations?|associations?\s+(?:de|issues?\s+des?)\s+(?:la\s+)?"
            r"(?:migrants?|migrations?|diasporas?)|\bdiasporas?\b"
        ),
    ),
    (
        ActorType.ESS_ENTERPRISE,
        ("ess", "solidaire", "scop", "scic", "cooperative"),
        re.compile(
            r"(?:entreprises?|structures?|acteurs?)\s+(?:de\s+l'ess\b|de\s+l'economie\s+sociale"
            r"\s+et\s+solidaire|sociales?\s+et\s+solidaires?|solidaires?\b)"
            r"|\bscops?\b|\bscics?\b|\bcooperatives?\b"
        ),
    ),
    (
        ActorType.LOCAL_AUTHORITY,
        ("collectivit", "intercommunal", "epci", "communes", "mairies", "conseil"),
        re.compile(
            r"collectivites?(?:\s+territoriales?|\s+locales?)?|\bintercommunalites?\b|\bepci\b"
            r"|(?:les|aux|des)\s+communes\b|\bmairies\b|conseils?\s+(?:departementa\w+|regiona\w+)"
        ),
    ),
    (
        ActorType.SCHOOL,
        ("scolaire", "college", "lycee", "ecoles", "enseignement"),
        re.compile(
            r"etablissements?\s+scolaires?|\bcolleges\b|\blycees\b|(?:les|aux|des)\s+ecoles\b"
            r"|etablissements?\s+d'enseignement\s+(?:primaire|secondaire|agricole)"
        ),
    ),
    (
        ActorType.UNIVERSITY,
        ("universit", "laboratoire", "recherche", "superieur", "grandes ecoles"),
        re.compile(
            r"\buniversites?\b|laboratoires?(?:\s+de\s+recherche)?|organismes?\s+de\s+recherche"
            r"|etablissements?\s+d'enseignement\s+superieur|\bgrandes\s+ecoles\b"
        ),
    ),
    (
        ActorType.FOUNDATION,
        ("fondation",),
        re.compile(r"\bfondations\b|\bfondations?\s+(?:reconnues?|abritees?)"),
    ),
    (
        ActorType.PUBLIC_BODY,
        ("public", "de l'etat", "gip", "interet public"),
        re.compile(
            r"etablissements?\s+publics?|services?\s+de\s+l'etat|\bgip\b"
            r"|groupements?\s+d'interet\s+public"
        ),
    ),
    (
        ActorType.NETWORK,
        ("reseau",),
        re.compile(r"tetes?\s+de\s+reseaux?|reseaux\s+(?:regionaux|associatifs|multi-acteurs)"),
    ),
    (
        ActorType.ASSOCIATION,
        ("association", "ong", "osi", "organisation", "associati"),
        re.compile(
            r"\bassociations?\b|\bong\b|\bosi\b|organisations?\s+de\s+solidarite\s+internationale"
            r"|organisations?\s+non\s+gouvernementales?|structures?\s+associatives?"
            r"|secteur\s+associatif"
        ),
    ),
)
_LIST_ITEM = re.compile(r"^\s*(?:[•*▪◦‣-]|\d+[.)])\s*")
_ACTOR_ORDER = {actor_type.value: number for number, actor_type in enumerate(ActorType)}


def _sentence_around(folded: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding ``folded[start:end]``, within its line."""
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    first = max(folded.rfind(mark, line_start, start) for mark in (". ", "; ", "! ", "? "))
    first = line_start if first < 0 else first + 2
    stops = [i for i in (folded.find(m, end, line_end) for m in (". ", "; ", "! ", "? ")) if i >= 0]
    return first, (min(stops) + 1 if stops else line_end)


def _eligibility_passages(folded: str) -> Iterator[str]:
    """The sentences saying who may apply, each with the list it opens, if any."""
    seen: set[int] = set()
    for found in _ELIGIBILITY.finditer(folded):
        start, end = _sentence_around(folded, found.start(), found.end())
        if start in seen:
            continue
        seen.add(start)
        sentence = folded[start:end]
        yield sentence
        if sentence.rstrip().endswith(":"):
            for following in folded[end:].split("\n")[1:]:
                if not _LIST_ITEM.match(following):
                    break
                yield following


def read_actor_types(text: str, folded: str | None = None) -> list[str]:
    """The actor types (``ActorType`` values) the text says may apply, in a fixed order.

    Args:
        text: The entry's text.
        folded: ``fold(text)``, when the caller has it already.
    """
    found: set[str] = set()
    for passage in _eligibility_passages(fold(text) if folded is None else folded):
        taken: list[tuple[int, int]] = []  # phrases already read as an earlier type
        for actor_type, hints, pattern in _ACTOR_PATTERNS:
            if not any(hint in passage for hint in hints):
                continue
            for match in pattern.finditer(passage):
                start, end = match.span()
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue
                found.add(actor_type.value)
                taken.append((start, end))
    return sorted(found, key=_ACTOR_ORDER.__getitem__)


# --- Funders --------------------------------------------------------------------------------

_FUNDER_LINE = re.compile(
    r"^\s*(?:•\s*)?(?:financeurs?|bailleurs?(?:\s+de\s+fonds)?|organismes?\s+"
    r"financeurs?|structures?\s+financeuses?)\s*:\s*(?P<names>\S[^\n]{0,300})$",
    re.MULTILINE,
)
_NAME_SEPARATORS = re.compile(r"\s*[;,]\s*|\s+/\s+")


def read_funders(text: str, folded: str | None = None) -> list[str]:
    """The funders named on ``Financeur(s) :`` lines, as written (at most 5).

    Args:
        text: The entry's text.
        folded: ``fold(text)``, when the caller has it already.
    """
    folded = fold(text) if folded is None else folded
    if "financ" not in folded and "bailleur" not in folded:
        return []
    names: list[str] = []
    for match in _FUNDER_LINE.finditer(folded):
        written = text[match.start("names") : match.end("names")]
        for name in _NAME_SEPARATORS.split(written):
            name = name.strip().rstrip(".").strip()
            if 2 <= len(name) <= 200 and name not in names:
                names.append(name)
    return names[:5]
