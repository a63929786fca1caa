"""Charts: a PNG per indicator, every glyph present, cached, met / not met per component."""

import warnings

import pytest
from fontTools.ttLib import TTFont

from bot.knowledge.values import Figure
from bot.render.chart import FONT_FAMILY, FONT_PATH, Charts, component_met, ensure_font

PNG = b"\x89PNG\r\n\x1a\n"


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
