"""Charts of the observatory, for notebooks and for the baromètre: bars, time series and maps.

Each function returns a matplotlib [`Figure`](https://matplotlib.org/stable/api/figure_api.html)
made without pyplot (no global state, no display needed: it draws on the Agg canvas), which a
notebook shows as it is and [`to_png`][rrma_core.charts.to_png] or
[`to_data_uri`][rrma_core.charts.to_data_uri] turn into an image. Labels are French by default,
English with ``lang="en"``; numbers are written the French way (``1 234``, ``4,5``) in French.

- [`bar_chart`][rrma_core.charts.bar_chart]: an indicator by one dimension as horizontal bars,
  the long tail grouped as "Autres"; a year-over-year comparison as pairs of bars.
- [`time_series`][rrma_core.charts.time_series]: an indicator by month, or two years of it.
- [`departement_map`][rrma_core.charts.departement_map]: a value per département, as a tile
  map (one square per département placed roughly where it lies: real outlines are not shipped).
- [`point_map`][rrma_core.charts.point_map]: actors, events... as points at their coordinates.
- [`chart`][rrma_core.charts.chart]: compute an indicator and draw it with the right one.

matplotlib is the optional extra ``rrma-core[report]``; without it, every chart raises
[`RrmaError`][rrma_core.errors.RrmaError] saying how to install it. A language other than
``"fr"`` or ``"en"`` raises [`ConfigError`][rrma_core.errors.ConfigError].

Example:
    ```python
    from rrma_core import Workspace
    from rrma_core.charts import chart, to_png

    with Workspace.open("mon-reseau") as ws:
        fig = chart(ws, "events.by_kind", period=2026, compare_to=2025)
        Path("evenements.png").write_bytes(to_png(fig))
    ```
"""

from __future__ import annotations

import base64
import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from rrma_core.errors import ConfigError, RrmaError
from rrma_core.vocabularies._core import LANGUAGES, check_lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from rrma_core.workspace import Workspace

__all__ = [
    "DEPARTEMENT_TILES",
    "FRANCE_EXTENT",
    "LANGS",
    "PALETTE",
    "bar_chart",
    "chart",
    "check_lang",
    "departement_map",
    "format_number",
    "point_map",
    "time_series",
    "to_data_uri",
    "to_png",
    "to_svg",
]

PALETTE: tuple[str, ...] = ("#1f5f8b", "#9fbfd6", "#d9822b", "#4c9a5f", "#8e5ea2", "#c44e52")
"""The colours of the charts: the period shown first, the one compared with second, then the
other layers of a point map."""

DEPARTEMENT_TILES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "62": (6, 0), "80": (7, 0), "59": (8, 0),
        "76": (5, 1), "95": (6, 1), "60": (7, 1), "02": (8, 1), "08": (9, 1),
        "50": (2, 2), "14": (3, 2), "27": (4, 2), "78": (5, 2), "75": (6, 2), "93": (7, 2),
        "51": (8, 2), "55": (9, 2), "54": (10, 2), "57": (11, 2),
        "29": (0, 3), "22": (1, 3), "35": (2, 3), "53": (3, 3), "61": (4, 3), "28": (5, 3),
        "92": (6, 3), "94": (7, 3), "77": (8, 3), "10": (9, 3), "88": (10, 3), "68": (11, 3),
        "67": (12, 3),
        "56": (1, 4), "44": (2, 4), "49": (3, 4), "72": (4, 4), "41": (5, 4), "91": (6, 4),
        "45": (7, 4), "89": (8, 4), "52": (9, 4), "70": (10, 4), "90": (11, 4),
        "85": (3, 5), "79": (4, 5), "37": (5, 5), "36": (6, 5), "18": (7, 5), "58": (8, 5),
        "21": (9, 5), "39": (10, 5), "25": (11, 5),
        "17": (3, 6), "16": (4, 6), "86": (5, 6), "23": (6, 6), "03": (7, 6), "71": (8, 6),
        "01": (9, 6), "74": (10, 6),
        "33": (3, 7), "24": (4, 7), "87": (5, 7), "19": (6, 7), "63": (7, 7), "42": (8, 7),
        "69": (9, 7), "38": (10, 7), "73": (11, 7),
        "40": (3, 8), "47": (4, 8), "82": (5, 8), "46": (6, 8), "15": (7, 8), "43": (8, 8),
        "26": (9, 8), "05": (10, 8),
        "64": (3, 9), "32": (4, 9), "31": (5, 9), "12": (6, 9), "48": (7, 9), "07": (8, 9),
        "84": (9, 9), "04": (10, 9), "06": (11, 9),
        "65": (4, 10), "09": (5, 10), "81": (6, 10), "34": (7, 10), "30": (8, 10), "13": (9, 10),
        "83": (10, 10), "2B": (12, 10),
        "11": (6, 11), "66": (7, 11), "2A": (12, 11),
        "971": (0, 10), "972": (1, 10), "973": (0, 11), "974": (1, 11), "976": (0, 12),
    }
)  # fmt: skip
"""Where each département's tile goes on the tile map: ``{code: (column, row)}``, the row counted
from the top. The 96 metropolitan départements keep their neighbours roughly where they are
(placed by minimising the distance to their real centre, then adjusted by hand); Corsica sits to
the south-east, and the five overseas départements (Guadeloupe, Martinique, Guyane, La Réunion,
Mayotte) apart in the bottom-left corner."""


FRANCE_EXTENT: tuple[float, float, float, float] = (-5.3, 9.8, 41.2, 51.3)
"""Metropolitan France and Corsica in longitude and latitude: ``(west, east, south, north)``."""

# A schematic outline of metropolitan France and of Corsica (lon, lat), a few dozen points
# along the coasts and borders: enough to see where a point is, no more.
_MAINLAND: tuple[tuple[float, float], ...] = (
    (2.55, 51.08), (1.85, 50.95), (1.6, 50.73), (1.6, 50.2), (1.08, 49.93), (0.1, 49.5),
    (-0.25, 49.3), (-1.26, 49.67), (-1.94, 49.72), (-1.6, 48.84), (-2.0, 48.65),
    (-3.05, 48.78), (-3.98, 48.72), (-4.77, 48.33), (-4.73, 48.04), (-4.37, 47.8),
    (-3.37, 47.73), (-3.12, 47.48), (-2.2, 47.27), (-2.2, 47.0), (-1.78, 46.5), (-1.15, 46.16),
    (-1.05, 45.62), (-1.25, 44.65), (-1.56, 43.48), (-1.78, 43.37), (-1.24, 43.16),
    (-0.52, 42.8), (0.6, 42.7), (1.5, 42.55), (2.87, 42.46), (3.17, 42.44), (3.04, 42.7),
    (3.05, 42.9), (3.2, 43.15), (3.5, 43.28), (3.7, 43.4), (3.95, 43.53), (4.6, 43.35),
    (5.37, 43.3), (5.93, 43.1), (6.64, 43.27), (7.0, 43.55), (7.27, 43.7), (7.5, 43.78),
    (7.55, 44.15), (6.9, 44.4), (6.75, 44.9), (6.9, 45.25), (6.85, 45.83), (6.8, 46.4),
    (6.1, 46.15), (5.95, 46.4), (6.4, 46.9), (7.0, 47.5), (7.58, 47.58), (7.8, 48.58),
    (8.23, 48.97), (7.95, 49.05), (7.07, 49.12), (6.6, 49.4), (6.1, 49.48), (5.8, 49.55),
    (4.95, 49.8), (4.85, 50.15), (4.0, 50.3), (3.2, 50.75), (2.9, 50.7),
)  # fmt: skip
_CORSICA: tuple[tuple[float, float], ...] = (
    (9.4, 43.0), (9.45, 42.7), (9.55, 42.1), (9.4, 41.85), (9.16, 41.39), (8.8, 41.55),
    (8.73, 41.92), (8.6, 42.25), (8.75, 42.57), (9.3, 42.68),
)  # fmt: skip

_SHORT_MONTHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin",
               "juil.", "août", "sept.", "oct.", "nov.", "déc."),
        "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    }
)  # fmt: skip

_TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "others": {"fr": "Autres ({n})", "en": "Others ({n})"},
        "no_data": {"fr": "Aucune donnée", "en": "No data"},
        "outside": {
            "fr": "{n} point(s) hors du cadre (outre-mer, étranger)",
            "en": "{n} point(s) outside the frame (overseas, abroad)",
        },
        "overseas": {"fr": "Outre-mer", "en": "Overseas"},
        "unplaced": {
            "fr": "{n} sans département connu",
            "en": "{n} without a known département",
        },
        "outline": {
            "fr": "Contour schématique de la France métropolitaine",
            "en": "Schematic outline of metropolitan France",
        },
    }
)

_ADDITIVE = frozenset({"count", "hours"})
_BLANK = "#eeeeee"


LANGS: tuple[str, ...] = LANGUAGES
"""The languages of the charts, reports and campaign views: French (the default), English."""


def _text(key: str, lang: str, **values: Any) -> str:
    texts = _TEXTS[key]
    return (texts.get(lang) or texts["fr"]).format(**values)


# --- matplotlib, imported on first use -----------------------------------------------------------


_FIGURE_CLASS: type[Figure] | None = None


def _figure_class() -> type[Figure]:
    """The class of the charts' figures: matplotlib's ``Figure``, which shows itself as a PNG
    in a notebook (``_repr_png_``) without pyplot; matplotlib is imported on first use.

    Raises:
        RrmaError: when matplotlib is not installed, saying how to install it.
    """
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise RrmaError(
                "charts and reports need matplotlib: pip install 'rrma-core[report]' "
                "(or pip install matplotlib)"
            ) from None

        class ChartFigure(Figure):
            """A matplotlib figure that Jupyter shows as a PNG image, with or without pyplot."""

            def _repr_png_(self) -> bytes:
                return to_png(self)

        _FIGURE_CLASS = ChartFigure
    return _FIGURE_CLASS


def _new_figure(width: float, height: float, *, layout: bool = True) -> Figure:
    """A figure on the Agg canvas (drawn in memory, no display), white; its axes laid out by
    matplotlib's constrained layout, or (``layout=False``, for the maps: twice as fast)
    placed by the caller."""
    figure_class = _figure_class()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = figure_class(
        figsize=(width, height), facecolor="white", layout="constrained" if layout else None
    )
    FigureCanvasAgg(fig)
    return fig


def _place(fig: Figure, ax: Axes, *, left: float, right: float, top: float, bottom: float) -> None:
    """Put the axes ``left``, ``right``, ``top`` and ``bottom`` inches from the figure's
    edges (quicker than matplotlib's layout engines, which draw the figure once more)."""
    width, height = fig.get_size_inches()
    ax.set_position(
        (
            left / width,
            bottom / height,
            max(width - left - right, 0.5) / width,
            max(height - top - bottom, 0.3) / height,
        )
    )


def _text_width(fig: Figure, texts: Sequence[Any]) -> float:
    """The width of the widest of ``texts``, in inches."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    widths = [text.get_window_extent(renderer).width for text in texts if text.get_text()]
    return max(widths, default=0.0) / fig.dpi


def _title(ax: Axes, title: str | None) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=12, fontweight="bold", color="#222222", pad=10)


def _empty(fig: Figure, ax: Axes, lang: str) -> Figure:
    ax.text(
        0.5, 0.5, _text("no_data", lang), ha="center", va="center", fontsize=12,
        color="#777777", transform=ax.transAxes,
    )  # fmt: skip
    ax.set_axis_off()
    return fig


# --- numbers and labels ---------------------------------------------------------------------------


def format_number(value: float | None, lang: str = "fr", *, decimals: int = 1) -> str:
    """A number as people read it: ``1 234`` and ``4,5`` in French, ``1,234`` and ``4.5`` in
    English; whole numbers without decimals; ``–`` for a missing value.

    Example:
        >>> format_number(12345), format_number(4.25, "en"), format_number(3.0)
        ('12\u202f345', '4.2', '3')
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def _wrap(label: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def _number(value: Any) -> float:
    return math.nan if _missing(value) else float(value)


def _is_frame(data: Any) -> bool:
    return hasattr(data, "columns") and hasattr(data, "to_dict")


def _period_years(attrs: Mapping[str, Any]) -> tuple[str, str] | None:
    """The two periods of a comparison as short names (``"2025"``, ``"2026"``)."""
    names = []
    for key in ("period_a", "period_b"):
        period = attrs.get(key)
        if period is None:
            return None
        names.append(_period_name(period))
    return names[0], names[1]


def _period_name(period: Any) -> str:
    start, end = period.start, period.end
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    return f"{start.isoformat()} – {end.isoformat()}"


def _default_title(attrs: Mapping[str, Any]) -> str | None:
    title = attrs.get("title")
    if not title:
        return None
    period = attrs.get("period")
    return f"{title} – {_period_name(period)}" if period is not None else str(title)


# --- bars -----------------------------------------------------------------------------------------


def _bar_rows(
    data: Any, value_columns: tuple[str, ...]
) -> tuple[list[str], list[list[float]], dict[str, Any]]:
    """Labels and value series of a frame, a mapping or ``(label, value)`` pairs."""
    if _is_frame(data):
        attrs = dict(getattr(data, "attrs", {}) or {})
        if "label" not in data.columns:
            raise ConfigError(f"a chart needs a 'label' column, not only {list(data.columns)}")
        for column in value_columns:
            if column not in data.columns:
                raise ConfigError(f"a chart needs a {column!r} column: {list(data.columns)}")
        labels = [str(label) for label in data["label"]]
        series = [[_number(v) for v in data[column]] for column in value_columns]
        return labels, series, attrs
    items = list(data.items()) if isinstance(data, Mapping) else list(data)
    labels, values = [], []
    for item in items:
        label, value = item
        labels.append(str(label))
        values.append(_number(value))
    return labels, [values], {}


def bar_chart(
    data: Any,
    *,
    lang: str = "fr",
    title: str | None = None,
    top: int = 12,
    series_names: Sequence[str] | None = None,
    width: float = 7.5,
) -> Figure:
    """An indicator as horizontal bars, largest first, each with its value written beside it.

    Args:
        data: An indicator's DataFrame (``label`` and ``value`` columns, as
            [`compute`][rrma_core.indicators.compute] returns), a comparison's
            ([`compare_periods`][rrma_core.indicators.compare_periods]: ``value_a`` and
            ``value_b``, drawn as pairs of bars, the later period darker), a mapping
            ``{label: value}`` or ``(label, value)`` pairs. Rows are drawn in their order,
            the first at the top.
        lang: The language of the texts (``"fr"`` or ``"en"``).
        title: The chart's title; by default the indicator's, with its period.
        top: At most this many bars: past it, the last rows are added up into one bar
            "Autres (n)" (for counts and hours; rates and means are cut instead).
        series_names: The legend of a comparison (by default the two periods, ``2025``
            and ``2026``).
        width: The figure's width in inches.

    Returns:
        The figure: one ``Rectangle`` per bar in ``fig.axes[0].patches`` (the later period's
        first for a comparison), in the order of the rows.

    Raises:
        ConfigError: when a DataFrame lacks its ``label`` or value columns.
        RrmaError: when matplotlib is not installed.
    """
    check_lang(lang)
    compare = _is_frame(data) and "value_a" in data.columns and "value_b" in data.columns
    labels, series, attrs = _bar_rows(data, ("value_b", "value_a") if compare else ("value",))
    if title is None:
        title = attrs.get("title") if compare else _default_title(attrs)
    if compare and series_names is None:
        years = _period_years(attrs)
        series_names = (years[1], years[0]) if years else ("b", "a")
    elif compare and series_names is not None:
        series_names = (series_names[1], series_names[0])
    unit = str(attrs.get("unit") or "count")
    labels, series = _top(labels, series, top, additive=unit in _ADDITIVE, lang=lang)
    rows = max(len(labels), 1)
    lines = max((_wrap(label).count("\n") + 1 for label in labels), default=1)
    per_row = (0.42 if compare else 0.32) + 0.15 * (lines - 1)
    fig = _new_figure(width, 0.9 + per_row * rows + (0.3 if compare else 0), layout=False)
    ax = fig.add_subplot()
    _title(ax, title)
    if not labels:
        return _empty(fig, ax, lang)
    height = 0.8 / len(series)
    biggest = max((v for values in series for v in values if not math.isnan(v)), default=0.0)
    for index, values in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * height
        positions = [row + offset for row in range(len(labels))]
        drawn = [0.0 if math.isnan(v) else v for v in values]
        bars = ax.barh(
            positions, drawn, height=height * 0.92, color=PALETTE[index],
            label=series_names[index] if series_names else None,
        )  # fmt: skip
        ax.bar_label(
            bars, labels=[format_number(v, lang) for v in values], padding=3, fontsize=9,
            color="#333333",
        )  # fmt: skip
    ax.set_yticks(range(len(labels)), [_wrap(label) for label in labels], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, (biggest or 1) * 1.15)
    ax.xaxis.set_visible(False)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if compare:
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], names[::-1], loc="lower right", frameon=False, fontsize=9)
    left = _text_width(fig, ax.get_yticklabels()) + 0.15
    _place(fig, ax, left=left, right=0.4, top=0.45 if title else 0.1, bottom=0.1)
    return fig


def _top(
    labels: list[str], series: list[list[float]], top: int, *, additive: bool, lang: str
) -> tuple[list[str], list[list[float]]]:
    """At most ``top`` rows: the tail added up into "Autres (n)", or cut when not additive."""
    if top < 1:
        raise ConfigError(f"top must be at least 1, not {top}")
    if len(labels) <= top:
        return labels, series
    if not additive:
        return labels[:top], [values[:top] for values in series]
    keep = top - 1
    rest = len(labels) - keep
    tails = [sum(0.0 if math.isnan(v) else v for v in values[keep:]) for values in series]
    return (
        [*labels[:keep], _text("others", lang, n=rest)],
        [[*values[:keep], tail] for values, tail in zip(series, tails, strict=True)],
    )


# --- time series ----------------------------------------------------------------------------------


def _month_index(month: str) -> int:
    """``"2026-11"`` as a number of months (``year * 12 + month - 1``).

    Raises:
        ValueError: for anything but a ``YYYY-MM`` month.
    """
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", month[:7])
    if match is None:
        raise ValueError(month)
    return int(match[1]) * 12 + int(match[2]) - 1


def _month_name(index: int, lang: str, *, year: bool) -> str:
    name = (_SHORT_MONTHS.get(lang) or _SHORT_MONTHS["fr"])[index % 12]
    return f"{name} {index // 12}" if year else name


def time_series(
    data: Any,
    *,
    lang: str = "fr",
    title: str | None = None,
    series_names: Sequence[str] | None = None,
    width: float = 7.5,
) -> Figure:
    """An indicator by month as a line, every month of its period shown (0 when none).

    Args:
        data: An indicator's DataFrame with a ``month`` column (``events.by_month``,
            ``calls.by_month``, ``events.occurrences_by_month``); a mapping
            ``{"2026-10": 3, ...}``; or a comparison of two years
            ([`compare_periods`][rrma_core.indicators.compare_periods], with ``month_a``,
            ``month_b``, ``value_a`` and ``value_b``), drawn as two lines over the months.
            A frame's months span its ``period`` (a whole year shows its twelve months),
            else the first to the last month with a value. Rows without a month are left out.
        lang: The language of the texts.
        title: The chart's title; by default the indicator's, with its period.
        series_names: The legend of a comparison (by default the two years).
        width: The figure's width in inches.

    Returns:
        The figure: one ``Line2D`` per series in ``fig.axes[0].lines`` (for a comparison,
        the later period first), whose y data are the values month by month.

    Raises:
        ConfigError: when the data has no months.
        RrmaError: when matplotlib is not installed.
    """
    check_lang(lang)
    fig = _new_figure(width, 3.4, layout=False)
    from matplotlib.ticker import MaxNLocator

    ax = fig.add_subplot()
    compare = _is_frame(data) and {"value_a", "value_b"} <= set(data.columns)
    attrs: dict[str, Any] = dict(getattr(data, "attrs", {}) or {}) if _is_frame(data) else {}
    if compare:
        series, ticks, names = _compare_months(data, attrs, lang, series_names)
        title = title if title is not None else attrs.get("title")
    else:
        by_month = _months_of(data)
        first, last = _month_span(by_month, attrs.get("period"))
        title = title if title is not None else _default_title(attrs)
        span = list(range(first, last + 1)) if first is not None and last is not None else []
        several_years = bool(span) and span[0] // 12 != span[-1] // 12
        ticks = [_month_name(i, lang, year=several_years) for i in span]
        series = [[by_month.get(i, 0.0) for i in span]]
        names = [""]
    _title(ax, title)
    if not ticks:
        return _empty(fig, ax, lang)
    positions = list(range(len(ticks)))
    biggest = max((v for values in series for v in values if not math.isnan(v)), default=0.0)
    for index, values in enumerate(series):
        ax.plot(
            positions, values, marker="o", linewidth=2, markersize=5, color=PALETTE[index],
            label=names[index] or None,
        )  # fmt: skip
        if index == 0:
            for x, y in zip(positions, values, strict=True):
                if not math.isnan(y) and y:
                    ax.annotate(
                        format_number(y, lang), (x, y), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8, color="#333333",
                    )  # fmt: skip
    ax.set_xticks(positions, ticks, fontsize=8, rotation=45 if len(ticks) > 14 else 0)
    ax.set_ylim(0, (biggest or 1) * 1.2)
    if all(float(v).is_integer() for values in series for v in values if not math.isnan(v)):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if compare:
        ax.legend(loc="upper left", frameon=False, fontsize=9)
    bottom = 0.75 if len(ticks) > 14 else 0.4
    _place(fig, ax, left=0.5, right=0.2, top=0.45 if title else 0.2, bottom=bottom)
    return fig


def _months_of(data: Any) -> dict[int, float]:
    """``{month index: value}`` of a frame with a ``month`` column, or of a mapping."""
    found: dict[int, float] = {}
    if _is_frame(data):
        if "month" not in data.columns:
            raise ConfigError(
                "a time series needs a 'month' column (events.by_month...), "
                f"not {list(data.columns)}"
            )
        pairs: list[tuple[Any, Any]] = list(zip(data["month"], data["value"], strict=True))
    elif isinstance(data, Mapping):
        pairs = list(data.items())
    else:
        raise ConfigError(
            f"a time series needs a DataFrame or a mapping, not {type(data).__name__}"
        )
    for month, value in pairs:
        if _missing(month):
            continue
        try:
            index = _month_index(str(month))
        except ValueError:
            raise ConfigError(f"{month!r} is not a month (YYYY-MM)") from None
        found[index] = found.get(index, 0.0) + (0.0 if _missing(value) else float(value))
    return found


def _month_span(values: Mapping[int, float], period: Any) -> tuple[int | None, int | None]:
    if period is not None:
        first = period.start.year * 12 + period.start.month - 1
        last = period.end.year * 12 + period.end.month - 1
        return first, last
    if not values:
        return None, None
    return min(values), max(values)


def _compare_months(
    data: Any, attrs: Mapping[str, Any], lang: str, series_names: Sequence[str] | None
) -> tuple[list[list[float]], list[str], list[str]]:
    """The two series of a ``compare_periods`` frame by month, the later period first.

    Months are matched on their rank in their period (October with October year over year),
    as ``compare_periods`` matches them.
    """
    starts: list[int | None] = []
    for key in ("period_a", "period_b"):
        period = attrs.get(key)
        starts.append(None if period is None else period.start.year * 12 + period.start.month - 1)
    by_rank: dict[int, tuple[float, float]] = {}
    for row in data.to_dict("records"):
        ranks = []
        for column, start in (("month_a", starts[0]), ("month_b", starts[1])):
            month = row.get(column)
            if not _missing(month) and start is not None:
                ranks.append(_month_index(str(month)) - start)
        if ranks:
            by_rank[ranks[0]] = (_number(row["value_a"]), _number(row["value_b"]))
    period_b = attrs.get("period_b")
    if period_b is not None and starts[1] is not None:
        count = period_b.end.year * 12 + period_b.end.month - 1 - starts[1] + 1
        first = starts[1]
    else:
        count = max(by_rank) + 1 if by_rank else 0
        first = 0
    ticks = [_month_name(first + rank, lang, year=False) for rank in range(count)]
    later = [by_rank.get(rank, (0.0, 0.0))[1] for rank in range(count)]
    earlier = [by_rank.get(rank, (0.0, 0.0))[0] for rank in range(count)]
    if series_names is not None:
        names = [series_names[1], series_names[0]]
    else:
        years = _period_years(attrs)
        names = [years[1], years[0]] if years else ["b", "a"]
    return [later, earlier], ticks, names


# --- maps -----------------------------------------------------------------------------------------


def _departement_counts(data: Any) -> dict[str | None, float]:
    if _is_frame(data):
        if "departement" not in data.columns:
            raise ConfigError(
                "a département map needs a 'departement' column (actors.by_departement, "
                f"events.by_departement), not {list(data.columns)}"
            )
        counts: dict[str | None, float] = {}
        for code, value in zip(data["departement"], data["value"], strict=True):
            key = None if _missing(code) else str(code)
            counts[key] = counts.get(key, 0.0) + (0.0 if _missing(value) else float(value))
        return counts
    return {
        (None if _missing(code) else str(code)): (0.0 if _missing(v) else float(v))
        for code, v in dict(data).items()
    }


def departement_map(
    counts: Any,
    *,
    lang: str = "fr",
    title: str | None = None,
    region: str | None = None,
    legend: str | None = None,
    cmap: str = "Blues",
    width: float = 6.5,
) -> Figure:
    """A value per département as a tile map: one square per département, coloured by value.

    Real outlines are not shipped (nor downloaded): each of the 101 départements is a square
    of [`DEPARTEMENT_TILES`][rrma_core.charts.DEPARTEMENT_TILES], placed roughly where it lies,
    labelled with its code, the overseas ones apart. Départements without a value are light
    grey.

    Args:
        counts: ``{département code: value}``, or an indicator's DataFrame with a
            ``departement`` column (``actors.by_departement``, ``events.by_departement``).
            Values without a known département (``None``) are counted under the map.
        lang: The language of the texts.
        title: The map's title; by default the indicator's, with its period.
        region: A région's INSEE code: its départements are shown, with their values, and
            the others faded around them.
        legend: The colour bar's label (for example "Acteurs").
        cmap: A matplotlib colour map's name.
        width: The figure's width in inches.

    Returns:
        The figure: each tile is a ``Rectangle`` of ``fig.axes[0].patches`` whose ``gid`` is
        the département's code.

    Raises:
        ConfigError: for an unknown département or région code.
        RrmaError: when matplotlib is not installed.
    """
    check_lang(lang)
    _figure_class()
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import MaxNLocator

    from rrma_core.vocabularies import builtin_registry

    attrs = dict(getattr(counts, "attrs", {}) or {}) if _is_frame(counts) else {}
    if title is None:
        title = _default_title(attrs)
    values = _departement_counts(counts)
    unplaced = values.pop(None, 0.0)
    unknown = sorted(str(code) for code in values if code not in DEPARTEMENT_TILES)
    if unknown:
        raise ConfigError(f"unknown département code(s) {unknown} (INSEE codes: 01, 2A, 974...)")
    departements = builtin_registry().get("departements")
    chosen: set[str] = set()
    if region is not None:
        chosen = {t.code for t in departements if str(t.data.get("region")) == str(region)}
        if not chosen:
            raise ConfigError(f"unknown région code {region!r} (INSEE codes such as 84)")
    shown = chosen or set(DEPARTEMENT_TILES)
    highest = max((values.get(code, 0.0) for code in shown), default=0.0)
    colours = colormaps[cmap]
    norm = Normalize(vmin=0, vmax=highest or 1)
    height = 6.2 if region is None else 4.6
    fig = _new_figure(width, height, layout=False)
    top = 0.9 if title else 0.98
    ax = fig.add_axes((0.01, 0.02, 0.85, top - 0.02))
    _title(ax, title)
    for code, (column, row) in DEPARTEMENT_TILES.items():
        value = values.get(code, 0.0)
        faded = bool(chosen) and code not in chosen
        colour: Any = colours(norm(value)) if value > 0 and not faded else _BLANK
        ax.add_artist(  # not add_patch: the limits are set below, by hand (2x quicker)

            Rectangle(
                (column + 0.04, -row - 0.96), 0.92, 0.92, facecolor=colour,
                edgecolor="#ffffff" if not chosen or faded else "#333333",
                linewidth=0.8, gid=code, alpha=0.45 if faded else 1.0, in_layout=False,
            )
        )  # fmt: skip
        dark = value > 0 and not faded and norm(value) > 0.55
        label = code
        if chosen and not faded:
            label = f"{code}\n{format_number(value, lang)}"
        ax.text(
            column + 0.5, -row - 0.5, label, ha="center", va="center",
            fontsize=7 if not chosen else 9, color="white" if dark else "#333333",
            alpha=0.5 if faded else 1.0, clip_on=True, in_layout=False,
        )  # fmt: skip
    if not chosen:
        ax.text(0.04, -9.75, _text("overseas", lang), fontsize=7, color="#555555")
    placed = [DEPARTEMENT_TILES[code] for code in shown]
    columns = [c for c, _ in placed]
    rows = [r for _, r in placed]
    margin = 0.0 if not chosen else 1.0
    ax.set_xlim(min(columns) - margin, max(columns) + 1 + margin)
    ax.set_ylim(-max(rows) - 1 - margin, -min(rows) + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    bar = fig.colorbar(
        ScalarMappable(norm=norm, cmap=colours), cax=fig.add_axes((0.88, 0.3, 0.025, 0.4))
    )
    bar.outline.set_visible(False)
    if all(float(v).is_integer() for v in values.values()):
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.tick_params(labelsize=8)
    if legend:
        bar.set_label(legend, fontsize=9)
    if unplaced:
        ax.text(
            1.0, 0.0, _text("unplaced", lang, n=format_number(unplaced, lang)),
            transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#555555",
        )  # fmt: skip
    return fig


def point_map(
    layers: Mapping[str, Sequence[tuple[float, float]]],
    *,
    lang: str = "fr",
    title: str | None = None,
    extent: tuple[float, float, float, float] | None = FRANCE_EXTENT,
    width: float = 6.5,
) -> Figure:
    """Points at their coordinates (actors, events...), one marker and colour per layer.

    The map is in longitude and latitude (equirectangular), its east-west scale shrunk by the
    cosine of the middle latitude so that distances look right, over a schematic outline of
    metropolitan France.

    Args:
        layers: ``{legend: [(lon, lat), ...]}``, such as ``{"Acteurs": [...],
            "Événements": [...]}``; the legend shows each layer's number of points.
        lang: The language of the texts.
        title: The map's title.
        extent: ``(west, east, south, north)`` in degrees; by default
            [`FRANCE_EXTENT`][rrma_core.charts.FRANCE_EXTENT]; ``None`` to fit the points.
            Points outside it are counted under the map.
        width: The figure's width in inches.

    Returns:
        The figure: one scatter collection per layer in ``fig.axes[0].collections``, in the
        order of ``layers``, whose offsets are the points.

    Raises:
        ConfigError: for a point that is not a (longitude, latitude) pair in range.
        RrmaError: when matplotlib is not installed.
    """
    check_lang(lang)
    _figure_class()
    from matplotlib.patches import Polygon

    checked: dict[str, list[tuple[float, float]]] = {}
    for name, points in layers.items():
        checked[name] = []
        for point in points:
            lon, lat = (float(v) for v in point)
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ConfigError(f"{name}: ({lon}, {lat}) is not a (longitude, latitude) pair")
            checked[name].append((lon, lat))
    everything = [p for points in checked.values() for p in points]
    if extent is None:
        if everything:
            lons = [p[0] for p in everything]
            lats = [p[1] for p in everything]
            pad = 0.3
            extent = (min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad)
        else:
            extent = FRANCE_EXTENT
    west, east, south, north = extent
    middle = math.radians((south + north) / 2)
    aspect = 1 / max(math.cos(middle), 0.05)
    ratio = (north - south) * aspect / max(east - west, 1e-9)
    fig = _new_figure(width, min(max(width * ratio * 0.85, 3.0), 9.0), layout=False)
    ax = fig.add_axes((0.02, 0.05, 0.96, 0.87 if title else 0.93))
    _title(ax, title)
    for outline in (_MAINLAND, _CORSICA):
        ax.add_patch(
            Polygon(
                outline, closed=True, facecolor="#f3f1ea", edgecolor="#b5b0a1", linewidth=0.8,
                zorder=0,
            )
        )  # fmt: skip
    markers = ("o", "s", "^", "D", "v", "P")
    for index, (name, points) in enumerate(checked.items()):
        # The first layer on top, the next ones larger beneath it: both stay visible where
        # an actor's head office is also an event's venue.
        ax.scatter(
            [p[0] for p in points], [p[1] for p in points], s=24 + 26 * index,
            marker=markers[index % len(markers)], color=PALETTE[(index * 2) % len(PALETTE)],
            edgecolor="white", linewidth=0.5, alpha=0.9, zorder=2 + len(checked) - index,
            label=f"{name} ({format_number(len(points), lang)})",
        )  # fmt: skip
    outside = sum(
        1 for lon, lat in everything if not (west <= lon <= east and south <= lat <= north)
    )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#cccccc")
    if checked:
        ax.legend(loc="upper left", fontsize=9, framealpha=0.9)
    if outside:
        ax.text(
            1.0, -0.02, _text("outside", lang, n=outside), transform=ax.transAxes, ha="right",
            va="top", fontsize=8, color="#555555",
        )  # fmt: skip
    return fig


# --- from an indicator ----------------------------------------------------------------------------


def chart(
    ws: Workspace,
    key: str,
    *,
    period: Any = None,
    region: str | None = None,
    lang: str = "fr",
    compare_to: Any = None,
    measure: str | None = None,
    title: str | None = None,
) -> Figure:
    """Compute an indicator and draw it with the chart that suits it.

    Indicators by département become a [tile map][rrma_core.charts.departement_map], those by
    month a [time series][rrma_core.charts.time_series], the others
    [bars][rrma_core.charts.bar_chart]. With ``compare_to``, the indicator is compared with
    that period ([`compare_periods`][rrma_core.indicators.compare_periods]: pairs of bars,
    or two lines).

    Args:
        ws: The workspace.
        key: The indicator (``"events.by_kind"``...).
        period: A year, a ``DateRange`` or ``(start, end)`` dates; ``None`` for all time.
        region: Count only the records of this région (INSEE code).
        lang: The language of labels and texts.
        compare_to: An earlier period to compare ``period`` with (a year...).
        measure: For the trainings and spaces indicators, which measure to draw
            (``"participants"``, ``"meetings"``...); by default their first one.
        title: The chart's title; by default the indicator's.

    Raises:
        ConfigError: for an unknown indicator or measure, a bad period or région, or
            ``compare_to`` without ``period``.
        RrmaError: when pandas or matplotlib is not installed.
    """
    check_lang(lang)
    from rrma_core.indicators import compare_periods, compute, get_indicator

    _figure_class()
    indicator = get_indicator(ws, key)
    if compare_to is not None:
        if period is None:
            raise ConfigError("compare_to needs a period to compare with (such as 2026)")
        frame = compare_periods(ws, key, compare_to, period, region=region, lang=lang)
    else:
        frame = compute(ws, key, period=period, region=region, lang=lang)
    if "measure" in frame.columns:
        frame = _one_measure(frame, key, measure, lang)
    if indicator.period_dimension == "month" or "month" in frame.columns:
        return time_series(frame, lang=lang, title=title)
    if "departement" in frame.columns and compare_to is None:
        return departement_map(frame, lang=lang, title=title, region=region)
    return bar_chart(frame, lang=lang, title=title)


def _one_measure(frame: Any, key: str, measure: str | None, lang: str) -> Any:
    from rrma_core.indicators import MEASURES

    measures = list(dict.fromkeys(frame["measure"]))
    if measure is None:
        if not measures:
            return frame
        measure = measures[0]
    if measure not in MEASURES:
        raise ConfigError(f"{key}: unknown measure {measure!r} (one of {', '.join(MEASURES)})")
    chosen = frame[frame["measure"] == measure].copy()
    chosen.attrs = dict(frame.attrs)
    label = MEASURES[measure].get(lang) or MEASURES[measure]["fr"]
    chosen["label"] = [str(text).split(" · ")[0] for text in chosen["label"]]
    if "unit" in chosen.columns and len(chosen):
        chosen.attrs["unit"] = str(chosen["unit"].iloc[0])
    base = chosen.attrs.get("title") or key
    chosen.attrs["title"] = f"{base} : {label.lower()}" if lang == "fr" else f"{base}: {label}"
    return chosen


# --- images ---------------------------------------------------------------------------------------


def to_png(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (no date nor software version in them: the same chart gives
    the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document, its text drawn as paths (no font needed to show it),
    without a date, its element ids the same from one run to the next."""
    from matplotlib import rc_context

    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "rrma-core", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def to_data_uri(fig: Figure, fmt: str = "png") -> str:
    """The figure as a ``data:`` URI, to put in an ``<img src>`` of a self-contained page.

    Args:
        fig: The figure.
        fmt: ``"png"`` or ``"svg"``.

    Raises:
        ConfigError: for another format.
    """
    if fmt == "png":
        return "data:image/png;base64," + base64.b64encode(to_png(fig)).decode("ascii")
    if fmt == "svg":
        data = to_svg(fig).encode("utf-8")
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    raise ConfigError(f"a chart is a png or an svg image, not {fmt!r}")
