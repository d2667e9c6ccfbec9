"""The baromètre: a network's yearly figures as one self-contained HTML page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from rrma_core.charts import (
    bar_chart,
    departement_map,
    format_number,
    point_map,
    time_series,
)
from rrma_core.errors import ConfigError
from rrma_core.indicators import (
    MEASURES,
    as_period,
    compare_periods,
    compute,
    dimension_label,
    get_indicator,
)
from rrma_core.indicators._labels import is_missing
from rrma_core.models._types import _pad_code
from rrma_core.report._render import (
    Chart,
    KeyFigure,
    ProgressCallback,
    Section,
    Table,
    image,
    render,
)
from rrma_core.report._texts import Texts, change_text, date_text, texts
from rrma_core.storage._store import provenance_t, records_t
from rrma_core.vocabularies._closed import EventStatus

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = ["barometre", "data_date"]


@dataclass(frozen=True)
class _Item:
    """One indicator of a section and how it is shown."""

    key: str
    show: str  # "bars", "months", "map" or "measures"
    measure: str | None = None  # the measure drawn, for "measures"
    compare: bool = True  # with the year before (not for campaign editions: each is a year)


#: The sections of the baromètre and their indicators, in the order of the page.
_SECTIONS: tuple[tuple[str, tuple[_Item, ...]], ...] = (
    (
        "actors",
        (
            _Item("actors.by_type", "bars"),
            _Item("actors.by_departement", "map"),
            _Item("actors.by_continent", "bars"),
            _Item("actors.by_country", "bars"),
            _Item("actors.by_sector", "bars"),
            _Item("actors.by_sdg", "bars"),
        ),
    ),
    (
        "events",
        (
            _Item("events.by_month", "months"),
            _Item("events.by_kind", "bars"),
            _Item("events.by_departement", "map"),
            _Item("events.by_campaign", "bars", compare=False),
        ),
    ),
    (
        "calls",
        (
            _Item("calls.by_month", "months"),
            _Item("calls.by_theme", "bars"),
            _Item("calls.by_funder", "bars"),
        ),
    ),
    (
        "trainings",
        (
            _Item("trainings.by_format", "measures", "participants"),
            _Item("trainings.by_theme", "measures", "participants"),
        ),
    ),
    (
        "spaces",
        (
            _Item("spaces.by_kind", "measures", "members"),
            _Item("spaces.members_by_actor_type", "bars"),
        ),
    ),
)

_UNIT_SUFFIX = {"percent": "\u202f%", "score/5": "/5", "hours": "\u202fh"}


def barometre(
    ws: Workspace,
    *,
    year: int | None = None,
    region: str | int | None = None,
    lang: str = "fr",
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> str:
    """The baromètre of a year: a self-contained HTML page of the network's figures.

    The page has the network's key figures (actors, events, event dates, calls for projects,
    training sessions and participants, multi-actor spaces and their meetings) compared with
    the year before; a section for the actors, events, calls for projects, trainings and
    multi-actor spaces, each indicator drawn as a chart (PNG images inside the page) with its
    table, and compared with the year before when that year has figures; the tile maps of
    actors and events by département and a map of their coordinates; the methodology (each
    indicator's method) and the sources (each source's connector, records and last
    successful sync; records entered by hand counted as such); the date of the data and of
    the report. It needs nothing else to be read: no web font, script nor remote image, so
    it can be e-mailed or opened offline, and it prints. Personal data never appears.

    Args:
        ws: The workspace.
        year: The year (default: the current one, in the workspace's time zone).
        region: Count only this région's records (INSEE code); ``None`` for the whole
            database (a network's own). The département maps then zoom on the région.
        lang: ``"fr"`` (default) or ``"en"``.
        now: The time the report is made at (default: now).
        progress: Called after each step as ``progress(what, done, total)``.

    Returns:
        The HTML page.

    Raises:
        ConfigError: for a bad year, région or language.
        RrmaError: when pandas or matplotlib is not installed.
    """
    t = texts(lang)
    now = now or datetime.now(ws.timezone)
    year = now.year if year is None else year
    as_period(year)  # checks the range
    code = _region(ws, region)
    builder = _Barometre(ws, year, code, lang, t, progress, now)
    return builder.render(now)


def _region(ws: Workspace, region: str | int | None) -> str | None:
    if region is None or not str(region).strip():
        return None
    code = str(_pad_code(str(region)))
    if code not in ws.vocabularies.get("regions"):
        raise ConfigError(
            f"unknown région code {region!r} (INSEE codes of the 18 régions, such as 84)"
        )
    return code


def data_date(ws: Workspace) -> datetime | None:
    """When the data last changed: the latest successful sync or record update (UTC)."""
    latest = [s.last_success_at for s in ws.store.sources() if s.last_success_at is not None]
    with ws.store.engine.connect() as conn:
        updated = conn.execute(select(func.max(records_t.c.updated_at))).scalar()
    if updated is not None:
        latest.append(updated)
    return max(latest) if latest else None


def _total(frame: Any) -> float:
    """The sum of a frame's values (0 for an empty one)."""
    if frame is None or not len(frame):
        return 0.0
    return float(frame["value"].fillna(0).sum())


def _distinct(frame: Any) -> float:
    """How many things a frame counted: its ``total`` when its values do not add up."""
    total = frame.attrs.get("total")
    return float(total) if total is not None else _total(frame)


def _measure(frame: Any, measure: str) -> float:
    if not len(frame):
        return 0.0
    return float(frame.loc[frame["measure"] == measure, "value"].fillna(0).sum())


class _Barometre:
    """Computes the indicators of a baromètre once, and turns them into the page's parts."""

    def __init__(
        self,
        ws: Workspace,
        year: int,
        region: str | None,
        lang: str,
        t: Texts,
        progress: ProgressCallback | None,
        now: datetime,
    ) -> None:
        self.ws = ws
        self.year = year
        self.region = region
        self.lang = lang
        self.t = t
        self.progress = progress
        self.now = now
        self.frames: dict[tuple[str, int], Any] = {}
        self.done = 0
        self.steps = sum(len(items) for _, items in _SECTIONS) + 3

    def step(self, what: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(what, self.done, self.steps)

    def frame(self, key: str, year: int) -> Any:
        if (key, year) not in self.frames:
            self.frames[key, year] = compute(
                self.ws, key, period=year, region=self.region, lang=self.lang
            )
        return self.frames[key, year]

    # --- the page --------------------------------------------------------------------------

    def render(self, now: datetime) -> str:
        t, lang = self.t, self.lang
        figures = self.key_figures()
        self.step("key figures")
        sections = [self.map_section()]
        self.step("map")
        for name, items in _SECTIONS:
            sections.append(self.section(name, items))
        sources, hand_entered = self.sources()
        self.step("sources")
        updated = data_date(self.ws)
        region_name = (
            self.ws.vocabularies.get("regions")[self.region].label(lang) if self.region else None
        )
        has_data = any(not section.empty for section in sections[1:])
        return render(
            "barometre.html",
            t=t,
            lang=lang,
            title=f"{t['barometre']} {self.year} – {self.ws.name}",
            network=self.ws.name,
            year=self.year,
            region=region_name,
            key_figures=figures,
            has_data=has_data,
            sections=sections,
            methods=self.methods(),
            scope=t("scope_region", region=region_name) if region_name else t["scope_all"],
            sources=sources,
            hand_entered=hand_entered,
            data_date=date_text(updated.astimezone(self.ws.timezone), lang) if updated else None,
            generated=date_text(now, lang),
        )

    def key_figures(self) -> list[KeyFigure]:
        year, before = self.year, self.year - 1
        t, lang = self.t, self.lang
        counted: list[tuple[str, Any]] = [
            ("kf_actors", lambda y: _total(self.frame("actors.by_type", y))),
            ("kf_events", lambda y: _total(self.frame("events.by_kind", y))),
            ("kf_occurrences", lambda y: _total(self.frame("events.occurrences_by_month", y))),
            ("kf_calls", lambda y: _distinct(self.frame("calls.by_theme", y))),
            ("kf_trainings", lambda y: _measure(self.frame("trainings.by_format", y), "sessions")),
            (
                "kf_trainees",
                lambda y: _measure(self.frame("trainings.by_format", y), "participants"),
            ),
            ("kf_spaces", lambda y: _measure(self.frame("spaces.by_kind", y), "spaces")),
            ("kf_meetings", lambda y: _measure(self.frame("spaces.by_kind", y), "meetings")),
        ]
        found = []
        for label, count in counted:
            now, previous = count(year), count(before)
            found.append(
                KeyFigure(_number(now, lang), t[label], key_change(now, previous, before, t))
            )
        return found

    def section(self, name: str, items: tuple[_Item, ...]) -> Section:
        t = self.t
        end = min(date(self.year, 12, 31), self.now.date())
        intro = t(f"{name}_intro", year=self.year, date=date_text(end, self.lang))
        section = Section(id=name, title=t[f"section_{name}"], intro=intro)
        for item in items:
            section.charts.append(self.chart(item))
            self.step(item.key)
        if all(chart.empty for chart in section.charts):
            section.charts = []
            section.empty = t["no_data"]
        return section

    def chart(self, item: _Item) -> Chart:
        t, lang = self.t, self.lang
        frame = self.frame(item.key, self.year)
        chart = Chart(id=item.key.replace(".", "-"), title=frame.attrs["title"])
        if not len(frame) or _total(frame) == 0:
            chart.empty = t["no_data"]
            return chart
        if item.show == "measures":
            return self.measures(item, frame, chart)
        previous = self.frame(item.key, self.year - 1)
        compared = None
        if _total(previous) > 0 and item.show != "map" and item.compare:
            compared = self.compared(item.key)
        if item.show == "map":
            fig = departement_map(frame, lang=lang, title="", region=self.region)
        elif item.show == "months":
            fig = time_series(compared if compared is not None else frame, lang=lang, title="")
        else:
            fig = bar_chart(compared if compared is not None else frame, lang=lang, title="")
        chart.image = image(fig)
        chart.alt = frame.attrs["title"]
        chart.table = self.table(frame if compared is None else compared, item.show == "months")
        note = frame.attrs.get("note")
        if note:
            chart.notes.append(note)
            if frame.attrs.get("total") is not None:
                total = _number(float(frame.attrs["total"]), lang)
                chart.notes.append(t("total_note", total=total))
        return chart

    def compared(self, key: str) -> Any:
        """The indicator compared with the year before, largest first (missing values last)."""
        frame = compare_periods(
            self.ws, key, self.year - 1, self.year, region=self.region, lang=self.lang
        )
        indicator = get_indicator(self.ws, key)
        if indicator.period_dimension is not None:
            # Months in the order of the year (compare_periods puts the earlier year's first).
            ranks = [
                int(str(b if not is_missing(b) else a)[5:7])
                for a, b in zip(frame["month_a"], frame["month_b"], strict=True)
            ]
            result = frame.assign(_rank=ranks).sort_values("_rank", kind="stable")
            result = result.drop(columns="_rank").reset_index(drop=True)
            result.attrs = dict(frame.attrs)
            return result
        if not indicator.sort_by_value:
            return frame
        dimensions = [d for d in indicator.dimensions if d in frame.columns]
        missing = [any(is_missing(row[d]) for d in dimensions) for _, row in frame.iterrows()]
        ordered = frame.assign(_missing=missing).sort_values(
            ["_missing", "value_b", "value_a", "label"],
            ascending=[True, False, False, True],
            kind="stable",
        )
        result = ordered.drop(columns="_missing").reset_index(drop=True)
        result.attrs = dict(frame.attrs)
        return result

    def table(self, frame: Any, months: bool) -> Table:
        t, lang = self.t, self.lang
        label = t["label"]
        if "value_b" in frame.columns:
            headers = [label, str(self.year), str(self.year - 1), t["change"]]
            rows = [
                [
                    row["label"],
                    _plain(row["value_b"]),
                    _plain(row["value_a"]),
                    change_text(_plain(row["value_b"]), _plain(row["value_a"]), lang) or "–",
                ]
                for row in frame.to_dict("records")
                if not months or (row["value_a"] or row["value_b"])
            ]
            return Table.of(headers, rows, lang)
        rows = [[row["label"], _plain(row["value"])] for row in frame.to_dict("records")]
        return Table.of([label, t["value"]], rows, lang)

    def measures(self, item: _Item, frame: Any, chart: Chart) -> Chart:
        """An indicator with measures: a table of every measure, a chart of one."""
        t, lang = self.t, self.lang
        registry = self.ws.vocabularies
        dimension = get_indicator(self.ws, item.key).dimensions[0]
        measures = [m for m in MEASURES if m in set(frame["measure"])]
        groups: dict[Any, dict[str, str]] = {}
        labels: dict[Any, str] = {}
        for row in frame.to_dict("records"):
            group = None if is_missing(row[dimension]) else row[dimension]
            labels[group] = dimension_label(dimension, group, lang, registry)
            suffix = _UNIT_SUFFIX.get(str(row.get("unit") or ""), "")
            if lang == "en":
                suffix = suffix.replace("\u202f%", "%")
            value = row["value"]
            written = "–" if is_missing(value) else _number(float(value), lang) + suffix
            groups.setdefault(group, {})[row["measure"]] = written
        headers = [t["label"], *(_measure_label(m, lang) for m in measures)]
        rows = [
            [labels[group], *(values.get(m, "–") for m in measures)]
            for group, values in groups.items()
        ]
        chart.table = Table.of(headers, rows, lang)
        chart.table.numeric = [False, *([True] * len(measures))]
        drawn = frame[frame["measure"] == item.measure]
        if len(drawn) and _total(drawn) > 0:
            pairs = [
                (dimension_label(dimension, None if is_missing(g) else g, lang, registry), v)
                for g, v in zip(drawn[dimension], drawn["value"], strict=True)
            ]
            pairs.sort(key=lambda pair: -_plain(pair[1]))
            measure = _measure_label(item.measure or "", lang)
            chart.image = image(bar_chart(pairs, lang=lang, title=measure))
            chart.alt = f"{frame.attrs['title']} : {measure}"
        return chart

    def map_section(self) -> Section:
        t = self.t
        start, end = date(self.year, 1, 1), date(self.year, 12, 31)
        actors = [
            (a.head_office.coordinates.lon, a.head_office.coordinates.lat)
            for a in self.ws.actors(region=self.region)
            if a.head_office is not None and a.head_office.coordinates is not None
        ]
        events = [
            (e.venue.coordinates.lon, e.venue.coordinates.lat)
            for e in self.ws.events(start=start, end=end, region=self.region)
            if e.venue is not None
            and e.venue.coordinates is not None
            and e.status != EventStatus.CANCELLED
        ]
        section = Section(id="map", title=t["section_map"], intro=t["map_intro"])
        if not actors and not events:
            section.empty = t["no_data"]
            return section
        layers = {t["layer_actors"]: actors, t["layer_events"]: events}
        chart = Chart(id="map-points", title=t["section_map"])
        chart.image = image(point_map(layers, lang=self.lang))
        chart.alt = t["section_map"]
        section.charts.append(chart)
        return section

    def methods(self) -> list[tuple[str, str, str | None]]:
        found = []
        for _, items in _SECTIONS:
            for item in items:
                indicator = get_indicator(self.ws, item.key)
                found.append(
                    (
                        indicator.title(self.lang),
                        indicator.method_text(self.lang),
                        indicator.note_text(self.lang),
                    )
                )
        return found

    def sources(self) -> tuple[list[list[str]], str]:
        """The sources (name, connector, records, last successful sync), and the number of
        records entered by hand (computed observations left out)."""
        t, lang, ws = self.t, self.lang, self.ws
        live = records_t.c.withdrawn_at.is_(None)
        per_source = (
            select(provenance_t.c.source, func.count(func.distinct(provenance_t.c.record_id)))
            .join(records_t, records_t.c.id == provenance_t.c.record_id)
            .where(live)
            .group_by(provenance_t.c.source)
        )
        hand = select(func.count()).where(
            live,
            records_t.c.record_type != "observation",
            records_t.c.id.not_in(select(provenance_t.c.record_id)),
        )
        with ws.store.engine.connect() as conn:
            counts = {str(name): int(n) for name, n in conn.execute(per_source)}
            hand_entered = int(conn.execute(hand).scalar() or 0)
        states = {state.name: state for state in ws.store.sources()}
        configured = {source.name: source.connector for source in ws.config.sources}
        names = sorted(set(configured) | set(states) | set(counts))
        rows = []
        for name in names:
            state = states.get(name)
            connector = configured.get(name) or (state.connector if state else "")
            success = state.last_success_at if state else None
            rows.append(
                [
                    name,
                    connector,
                    _number(counts.get(name, 0), lang),
                    date_text(success.astimezone(ws.timezone), lang) if success else t["never"],
                ]
            )
        return rows, _number(hand_entered, lang)


def key_change(now: float, previous: float | None, before: object, t: Texts) -> str | None:
    """A key figure's change from the year before: ``+3 (+25 %) par rapport à 2025``;
    ``None`` when the year before has nothing."""
    change = change_text(now, previous, t.lang) if previous else None
    if change is None:
        return None
    if change == "=":
        return t("same", year=before)
    return t("vs", change=change, year=before)


def _measure_label(measure: str, lang: str) -> str:
    texts_ = MEASURES.get(measure)
    return (texts_.get(lang) or texts_["fr"]) if texts_ else measure


def _plain(value: Any) -> float:
    if is_missing(value):
        return math.nan
    return float(value)


def _number(value: float, lang: str) -> str:
    return format_number(value, lang)
