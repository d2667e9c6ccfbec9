"""Charts read back from their matplotlib artists: bar lengths, line heights, tile colours and
point positions equal the figures counted by hand (``tests/test_indicators.py``)."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import pytest
from matplotlib import colormaps
from matplotlib.colors import to_rgba

from rrma_core import Workspace, get_vocabulary
from rrma_core.charts import (
    DEPARTEMENT_TILES,
    FRANCE_EXTENT,
    bar_chart,
    chart,
    departement_map,
    format_number,
    point_map,
    time_series,
    to_data_uri,
    to_png,
    to_svg,
)
from rrma_core.errors import ConfigError
from rrma_core.indicators import compare_periods, compute

BLUES = colormaps["Blues"]
BLANK = to_rgba("#eeeeee")


def bars(fig: Any) -> list[float]:
    return [patch.get_width() for patch in fig.axes[0].patches]


def ticks(fig: Any, axis: str = "y") -> list[str]:
    labels = fig.axes[0].get_yticklabels() if axis == "y" else fig.axes[0].get_xticklabels()
    return [label.get_text().replace("\n", " ") for label in labels]


def tiles(fig: Any) -> dict[str, tuple[float, ...]]:
    return {p.get_gid(): tuple(p.get_facecolor()) for p in fig.axes[0].patches if p.get_gid()}


# --- bars -----------------------------------------------------------------------------------------


def test_bar_chart_of_an_indicator(network: Workspace) -> None:
    fig = bar_chart(compute(network, "actors.by_type"))
    # Associations A1, A5, A7, A11, A12; one of each other type; rows in the frame's order.
    assert bars(fig) == [5, 1, 1, 1, 1, 1, 1, 1]
    assert ticks(fig)[0] == "Association"
    written = [text.get_text() for text in fig.axes[0].texts]
    assert written == ["5", "1", "1", "1", "1", "1", "1", "1"]
    assert fig.axes[0].get_title(loc="left") == "Acteurs par type"


def test_the_long_tail_is_grouped_as_others() -> None:
    data = {f"Pays {n}": n for n in range(15, 0, -1)}  # 15, 14, ..., 1
    fig = bar_chart(data, top=5, title="Pays")
    assert bars(fig) == [15, 14, 13, 12, 66]  # 11 + 10 + ... + 1
    assert ticks(fig)[-1] == "Autres (11)"
    assert ticks(bar_chart(data, top=5, lang="en"))[-1] == "Others (11)"
    assert bars(bar_chart(data, top=20)) == list(range(15, 0, -1))
    with pytest.raises(ConfigError, match="top must be at least 1"):
        bar_chart(data, top=0)


def test_rates_are_cut_not_added_up(network: Workspace) -> None:
    frame = compute(network, "trainings.by_format", period=2026)
    rates = frame[frame["measure"] == "fill_rate"].copy()
    rates.attrs = {**frame.attrs, "unit": "percent"}
    # T3 70 %, T1 75 %, T2 40 %, in the frame's order.
    assert bars(bar_chart(rates, top=2)) == pytest.approx([70.0, 75.0])


def test_a_comparison_is_drawn_as_pairs_of_bars(network: Workspace) -> None:
    frame = compare_periods(network, "events.by_kind", 2025, 2026)
    fig = bar_chart(frame)
    kinds = list(frame["event_kind"])
    n = len(kinds)
    later, earlier = bars(fig)[:n], bars(fig)[n:]
    assert dict(zip(kinds, later, strict=True))["projection-debat"] == 4
    assert dict(zip(kinds, earlier, strict=True)) == {
        "projection-debat": 1,  # E14
        "marche-solidarites": 1,  # E15
        **{k: 0 for k in kinds if k not in {"projection-debat", "marche-solidarites"}},
    }
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend == ["2025", "2026"]


def test_empty_data_says_so() -> None:
    fig = bar_chart({})
    assert [t.get_text() for t in fig.axes[0].texts] == ["Aucune donnée"]
    assert not fig.axes[0].patches


# --- time series ----------------------------------------------------------------------------------


def test_time_series_shows_every_month_of_the_year(network: Workspace) -> None:
    fig = time_series(compute(network, "events.by_month", period=2026))
    (line,) = fig.axes[0].lines
    # January (E16), February, March, June; October: E1, E3, E12; November: 7 events.
    assert list(line.get_ydata()) == [1, 1, 1, 0, 0, 1, 0, 0, 0, 3, 7, 0]
    assert ticks(fig, "x") == [
        "janv.", "févr.", "mars", "avr.", "mai", "juin",
        "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ]  # fmt: skip
    english = time_series(compute(network, "events.by_month", period=2026, lang="en"), lang="en")
    assert ticks(english, "x")[:2] == ["Jan", "Feb"]


def test_time_series_of_two_years(network: Workspace) -> None:
    fig = time_series(compare_periods(network, "events.by_month", 2025, 2026))
    later, earlier = fig.axes[0].lines
    assert list(later.get_ydata()) == [1, 1, 1, 0, 0, 1, 0, 0, 0, 3, 7, 0]
    assert list(earlier.get_ydata()) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0]  # E14, E15
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["2026", "2025"]


def test_time_series_of_a_mapping_spans_its_months() -> None:
    fig = time_series({"2025-11": 2, "2026-02": 5})
    assert list(fig.axes[0].lines[0].get_ydata()) == [2, 0, 0, 5]
    assert ticks(fig, "x") == ["nov. 2025", "déc. 2025", "janv. 2026", "févr. 2026"]
    with pytest.raises(ConfigError, match="'2026-13' is not a month"):
        time_series({"2026-13": 1})
    with pytest.raises(ConfigError, match="needs a 'month' column"):
        time_series(compute_frame())


def compute_frame() -> Any:
    import pandas as pd

    return pd.DataFrame({"label": ["a"], "value": [1]})


# --- the tile map ---------------------------------------------------------------------------------


def test_the_tiles_cover_the_departements_without_overlapping() -> None:
    codes = {term.code for term in get_vocabulary("departements")}
    assert len(codes) == 101
    assert set(DEPARTEMENT_TILES) == codes
    cells = list(DEPARTEMENT_TILES.values())
    assert len(set(cells)) == len(cells), "two départements share a tile"
    overseas = {"971", "972", "973", "974", "976"}
    mainland = {c: DEPARTEMENT_TILES[c] for c in codes - overseas - {"2A", "2B"}}
    # The overseas départements sit apart: no mainland tile in their corner.
    corner_columns = {DEPARTEMENT_TILES[c][0] for c in overseas}
    corner_rows = {DEPARTEMENT_TILES[c][1] for c in overseas}
    assert not [c for c, (x, y) in mainland.items() if x <= max(corner_columns) + 1
                and y >= min(corner_rows)]  # fmt: skip
    # Roughly where they lie: Finistère west, Bas-Rhin east, Nord north, Pyrénées south.
    assert DEPARTEMENT_TILES["29"][0] == min(x for x, _ in mainland.values())
    assert DEPARTEMENT_TILES["67"][0] == max(x for x, _ in mainland.values())
    assert DEPARTEMENT_TILES["59"][1] == DEPARTEMENT_TILES["62"][1] == 0
    assert DEPARTEMENT_TILES["66"][1] == max(y for _, y in mainland.values())
    assert DEPARTEMENT_TILES["2A"][0] > DEPARTEMENT_TILES["06"][0]
    assert DEPARTEMENT_TILES["2A"][1] > DEPARTEMENT_TILES["2B"][1]
    # Neighbours stay near: each mainland tile touches (8 ways) at least two others.
    for code, (x, y) in mainland.items():
        near = [c for c, (u, v) in mainland.items() if c != code and abs(u - x) <= 1
                and abs(v - y) <= 1]  # fmt: skip
        assert len(near) >= 2, code


def test_departement_map_colours_tiles_by_value(network: Workspace) -> None:
    fig = departement_map(compute(network, "actors.by_departement"))
    colours = tiles(fig)
    assert len(colours) == 101
    # Rhône 4 actors (the most), Isère 2, Loiret 2, Loire, Puy-de-Dôme, Indre-et-Loire 1.
    assert colours["69"] == pytest.approx(BLUES(1.0))
    assert colours["38"] == pytest.approx(BLUES(0.5))
    assert colours["45"] == pytest.approx(BLUES(0.5))
    assert colours["42"] == pytest.approx(BLUES(0.25))
    assert colours["37"] == pytest.approx(BLUES(0.25))
    assert colours["01"] == pytest.approx(BLANK)
    assert colours["974"] == pytest.approx(BLANK)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "1 sans département connu" in texts  # A9 has no head office
    assert {"69", "2A", "976"} <= set(texts)


def test_departement_map_of_a_region(network: Workspace) -> None:
    fig = departement_map({"69": 3, "38": 1, "45": 2}, region="84", lang="en")
    colours = tiles(fig)
    assert colours["69"] == pytest.approx(BLUES(1.0))
    assert colours["38"] == pytest.approx(BLUES(1 / 3))
    # The Loiret is in Centre-Val de Loire: faded, whatever its value.
    assert colours["45"][:3] == pytest.approx(BLANK[:3])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "69\n3" in texts  # the région's tiles show their values
    with pytest.raises(ConfigError, match=r"unknown département code\(s\) \['99'\]"):
        departement_map({"99": 1})
    with pytest.raises(ConfigError, match="unknown région code '12'"):
        departement_map({"69": 1}, region="12")


# --- the point map --------------------------------------------------------------------------------


def test_point_map_places_each_layer(network: Workspace) -> None:
    actors = [(4.8357, 45.764), (5.7245, 45.1885)]
    events = [(4.3872, 45.4397), (55.45, -20.88)]  # Saint-Étienne, Saint-Denis de La Réunion
    fig = point_map({"Acteurs": actors, "Événements": events}, title="Carte")
    ax = fig.axes[0]
    first, second = ax.collections
    assert first.get_offsets().tolist() == [list(p) for p in actors]
    assert second.get_offsets().tolist() == [list(p) for p in events]
    assert first.get_zorder() > second.get_zorder()  # the first layer on top
    west, east, south, north = FRANCE_EXTENT
    assert ax.get_xlim() == (west, east)
    assert ax.get_ylim() == (south, north)
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians((south + north) / 2)))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Acteurs (2)", "Événements (2)"]
    assert "1 point(s) hors du cadre (outre-mer, étranger)" in [t.get_text() for t in ax.texts]
    fitted = point_map({"Acteurs": actors}, extent=None).axes[0]
    assert fitted.get_xlim() == pytest.approx((4.8357 - 0.3, 5.7245 + 0.3))
    with pytest.raises(ConfigError, match=r"Acteurs: \(200.0, 45.0\) is not a"):
        point_map({"Acteurs": [(200.0, 45.0)]})


# --- from an indicator, images, numbers -----------------------------------------------------------


def test_chart_picks_the_chart_that_suits_the_indicator(network: Workspace) -> None:
    assert len(tiles(chart(network, "events.by_departement", period=2026))) == 101
    months = chart(network, "calls.by_month", period=2026)
    # C2 March, C5 April, C3 May, C8 June, C4 October.
    assert list(months.axes[0].lines[0].get_ydata()) == [0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0]
    two_years = chart(network, "events.by_month", period=2026, compare_to=2025)
    assert len(two_years.axes[0].lines) == 2
    pairs = chart(network, "events.by_kind", period=2026, compare_to=2025)
    assert len(pairs.axes[0].patches) == 2 * 8
    participants = chart(network, "trainings.by_format", period=2026, measure="participants")
    assert sorted(bars(participants)) == [4, 11, 15]  # T2, T3 (2026), T1
    assert "Cycle court" in ticks(participants)
    assert (
        participants.axes[0].get_title(loc="left") == "Formations par format : participants – 2026"
    )
    first = chart(network, "spaces.by_kind", period=2026)  # the first measure: spaces
    assert bars(first) == [1, 1]
    with pytest.raises(ConfigError, match="unknown measure 'visitors'"):
        chart(network, "trainings.by_format", measure="visitors")
    with pytest.raises(ConfigError, match="compare_to needs a period"):
        chart(network, "events.by_kind", compare_to=2025)
    with pytest.raises(ConfigError, match="no indicator named"):
        chart(network, "events.by_wheather")


def test_a_notebook_shows_a_chart_as_a_png() -> None:
    fig = bar_chart({"a": 1})
    assert fig._repr_png_() == to_png(fig)  # what Jupyter calls to show a cell's result


def test_images_are_deterministic() -> None:
    png = to_png(bar_chart({"a": 1, "b": 2}))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == to_png(bar_chart({"a": 1, "b": 2}))
    svg = to_svg(bar_chart({"a": 1, "b": 2}))
    assert svg.lstrip().startswith("<?xml")
    assert "<dc:date>" not in svg
    assert svg == to_svg(bar_chart({"a": 1, "b": 2}))
    assert to_data_uri(bar_chart({"a": 1})).startswith("data:image/png;base64,iVBOR")
    assert to_data_uri(bar_chart({"a": 1}), "svg").startswith("data:image/svg+xml;base64,")
    with pytest.raises(ConfigError, match="png or an svg image, not 'gif'"):
        to_data_uri(bar_chart({"a": 1}), "gif")


def test_numbers_are_written_for_the_language() -> None:
    assert format_number(1234567) == "1\u202f234\u202f567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(4.25) == "4,2"
    assert format_number(4.0) == "4"
    assert format_number(float("nan")) == "–"
    assert format_number(None, "en") == "–"


def test_without_matplotlib_a_chart_says_how_to_install_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from rrma_core.charts import bar_chart\n"
        "from rrma_core.errors import RrmaError\n"
        "try:\n"
        "    bar_chart({'a': 1})\n"
        "except RrmaError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "charts and reports need matplotlib: pip install 'rrma-core[report]'" in done.stdout


def test_an_unknown_language_is_refused(network: Workspace) -> None:
    calls = [
        lambda: bar_chart([("a", 1)], lang="de"),
        lambda: time_series({"2026-01": 1}, lang="EN"),
        lambda: departement_map({"69": 1}, lang="de"),
        lambda: point_map({"a": [(4.8, 45.7)]}, lang="de"),
        lambda: chart(network, "events.by_kind", period=2026, lang="de"),
        lambda: format_number(1.5, "de"),
    ]
    for call in calls:
        with pytest.raises(ConfigError, match=r"unknown language '(de|EN)'"):
            call()
