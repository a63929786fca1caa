"""Charts: a PNG per indicator, every glyph present, cached, met / not met per component;
made for a phone: ≥ 1080 px wide, square or portrait, parts stacked full width, large
type, each counting window labelled, no empty slot, met / not met said once."""

import io
import warnings

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from bot.knowledge.values import Figure
from bot.render.chart import (
    FONT_FAMILY,
    FONT_PATH,
    SIZE,
    Charts,
    component_met,
    draw,
    ensure_font,
    wrap,
)
from bot.render.windows import as_of, window

PNG = b"\x89PNG\r\n\x1a\n"
PARTS = ["4.4.3", "8.5.2", "8.5.3", "8.6.1", "10.2.2"]  # the indicators of two parts


@pytest.fixture(scope="module")
def charts(engine):
    return Charts(engine.card)


def test_every_indicator_renders_without_a_missing_glyph(knowledge, charts):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes an error
        for ident in knowledge.indicators:
            png = charts.png(ident)
            assert png.startswith(PNG), ident
            assert 10_000 < len(png) < 400_000, ident


def test_the_bundled_font_covers_the_chart_text(knowledge):
    cmap = TTFont(FONT_PATH).getBestCmap()
    text = "".join(
        f"{i.id}{i.name}" + "".join(f.component + f.text + f.as_of for f in knowledge.figures[i.id])
        for i in knowledge.indicators.values()
    )
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
    assert not missing


def test_font_is_registered_under_its_own_family():
    from matplotlib import font_manager

    assert ensure_font() == FONT_FAMILY
    found = font_manager.findfont(FONT_FAMILY, fallback_to_default=False)
    assert found == str(FONT_PATH)


def test_charts_are_cached_per_indicator(charts):
    assert charts.png("8.7.1") is charts.png("8.7.1")
    assert charts.png("8.7.1") != charts.png("8.7.2")


def test_unknown_indicator_is_a_key_error(charts):
    assert not charts.has("9.9.9")
    with pytest.raises(KeyError):
        charts.png("9.9.9")


def _fig(period: str, value: float, comparator: str = "") -> Figure:
    return Figure(indicator_id="x", component="", period=period, value=value, unit="",
                  comparator=comparator, text=str(value), as_of="", source="")  # fmt: skip


@pytest.mark.parametrize(
    ("actual", "target", "direction", "comparator", "met"),
    [
        (0.022, 0.019, "lower", "<=", False),
        (0.018, 0.019, "lower", "<=", True),
        (186465, 180000, "higher", "", True),
        (79, 80, "higher", "", False),
        (2.2, 2.3, "higher", "<=", True),  # printed "以下" wins over a missing direction
    ],
)
def test_component_met(actual, target, direction, comparator, met):
    figs = {
        "actual_2024": _fig("actual_2024", actual),
        "target_2024": _fig("target_2024", target, comparator),
    }
    assert component_met(figs, direction) is met


def test_component_met_is_none_without_a_target():
    assert component_met({"actual_2024": _fig("actual_2024", 1)}, "higher") is None


def test_the_printed_status_agrees_with_the_figures(knowledge):
    """Each indicator's ●/○ matches what its components' figures say."""
    for ind in knowledge.indicators.values():
        per = {}
        for f in knowledge.figures[ind.id]:
            per.setdefault(f.component, {})[f.period] = f
        verdicts = [component_met(figs, ind.direction) for figs in per.values()]
        assert all(v is not None for v in verdicts), ind.id
        assert all(verdicts) == ind.met, ind.id


def texts(figure) -> list:
    """Every text artist of a drawn chart: the figure's own and its panels'."""
    return list(figure.texts) + [t for ax in figure.axes for t in ax.texts]


def test_every_chart_is_at_least_1080_px_wide_and_square_or_portrait(knowledge, charts):
    for ident in knowledge.indicators:
        width, height = Image.open(io.BytesIO(charts.png(ident))).size
        assert width >= 1080 and height >= width, (ident, width, height)


def test_two_parts_are_stacked_one_above_the_other_each_full_width(engine):
    for ident in PARTS:
        figure = draw(engine.card(ident))
        boxes = sorted((ax.get_position() for ax in figure.axes), key=lambda b: -b.y0)
        assert len(boxes) == 2, ident
        upper, lower = boxes
        assert upper.x0 == lower.x0 and upper.width == lower.width >= 0.85, ident
        assert lower.y1 <= upper.y0, ident  # below, not beside


def test_two_parts_make_a_portrait_chart(charts):
    width, height = Image.open(io.BytesIO(charts.png("8.5.2"))).size
    assert height > width * 1.3


def test_no_empty_slot_one_bar_per_printed_figure(knowledge, engine):
    for ident in knowledge.indicators:
        figure = draw(engine.card(ident))
        words = " ".join(t.get_text() for t in texts(figure))
        assert "報告未列" not in words and "未列" not in words, ident
        bars = sum(len(ax.patches) for ax in figure.axes)
        assert bars == len(knowledge.figures[ident]), ident


def test_the_rate_part_of_8_5_2_has_no_latest_row(engine):
    """The report prints no 2025 employment rate for 8.5.2: three rows, not four."""
    figure = draw(engine.card("8.5.2"))
    counts = sorted(len(ax.patches) for ax in figure.axes)
    assert counts == [3, 4]


def test_each_window_the_data_holds_is_labelled(knowledge, engine):
    for ident, ind in knowledge.indicators.items():
        words = " ".join(t.get_text() for t in texts(draw(engine.card(ident))))
        for f in knowledge.figures[ident]:
            stated = window(ind, f)
            assert stated in words, (ident, f.period, stated)


@pytest.mark.parametrize(
    ("ident", "labels"),
    [
        ("1.4.1", ["2021 基準（累計 2017–2021）", "2024 實際（累計 2017–2024）",
                   "最新（2025 年 1–8 月）"]),
        ("1.a.2", ["2021 基準（累計 2017–2021）", "2024 實際（累計 2021–2024）"]),
        ("8.5.2", ["2024 實際（累計 2021–2024）", "2024 實際（2021–2024）"]),
        ("1.3.1", ["最新（截至 2025 年 7 月底）"]),
        ("10.3.1", ["2024 實際（累計至 2024）", "最新（至 2025 年 9 月 16 日）"]),
    ],
)  # fmt: skip
def test_windows_as_the_report_states_them(engine, ident, labels):
    words = [t.get_text() for t in texts(draw(engine.card(ident)))]
    for label in labels:
        assert label in words, (ident, label)


def test_no_window_where_the_report_states_none(engine):
    """8.7.1 is a yearly rate: its labels are the periods alone."""
    words = [t.get_text() for t in texts(draw(engine.card("8.7.1")))]
    assert {"2021 基準", "2024 目標", "2024 實際"} <= set(words)
    assert not any("累計" in w or "（" in w for w in words if w.startswith("20"))


def test_as_of_is_shortened_not_changed():
    assert as_of("2025 年 1 月至 8 月") == "2025 年 1–8 月"
    assert as_of("2025年1月至8月") == "2025 年 1–8 月"
    assert as_of("截至 2025 年 7 月底") == "截至 2025 年 7 月底"
    assert as_of("至 2025 年 9 月 16 日") == "至 2025 年 9 月 16 日"


def test_met_or_not_is_said_once(knowledge, engine):
    for ident, ind in knowledge.indicators.items():
        words = [t.get_text() for t in texts(draw(engine.card(ident)))]
        said = [w for w in words if "達成" in w]
        assert len(said) == 1, (ident, said)
        assert said[0].startswith("● 已達成" if ind.met else "○ 未達成"), ident


def test_type_is_large_enough_for_a_phone(engine):
    """At 150 dpi in a 1080 px image shown ~360 pt wide, 17 pt is ~12 pt on the phone."""
    figure = draw(engine.card("4.4.3"))
    assert figure.dpi * figure.get_figwidth() >= 1080
    sizes = {t.get_text(): t.get_fontsize() for t in texts(figure)}
    source = [s for text, s in sizes.items() if text.startswith("資料來源")]
    assert source == [SIZE["source"]]
    assert min(s for text, s in sizes.items() if not text.startswith("資料來源")) >= 17


def test_long_names_wrap_within_the_width():
    name = "指標 4.4.3 青年及失業者參與資通訊科技 (ICT) 相關類別職業訓練課程參訓人數"
    lines = wrap(name, 19)
    assert len(lines) == 2 and lines[1].startswith("(ICT)")
    assert " ".join(lines) == name  # broken at the space, nothing lost
