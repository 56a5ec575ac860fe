"""The first view's colour key: which colour stands for which class or value."""
from types import SimpleNamespace

import numpy as np

from playground.ui.first_view import colour_key, colour_key_html
from playground.viz.colors import CLASS_COLORS, NEGATIVE, POSITIVE


def test_two_classes_are_orange_then_blue_as_the_regions_draw_them():
    data = SimpleNamespace(class_names=["outside", "inside"])
    swatches, drawn = colour_key(data, "classification", one_input=False)
    assert swatches == [(NEGATIVE, "outside"), (POSITIVE, "inside")]
    assert "paler where it is unsure" in drawn


def test_more_classes_get_the_class_palette_in_order():
    data = SimpleNamespace(class_names=["setosa", "versicolor", "virginica"])
    swatches, drawn = colour_key(data, "classification", one_input=True)
    assert swatches == list(zip(CLASS_COLORS[:3], data.class_names))
    assert drawn.startswith("curves")


def test_regression_names_the_lowest_and_highest_target():
    data = SimpleNamespace(y_train=np.array([3.5, -1.25, 7.0]), target_name="price")
    swatches, _ = colour_key(data, "regression", one_input=False)
    assert swatches == [(NEGATIVE, "low price (-1.25)"), (POSITIVE, "high price (7)")]


def test_the_key_escapes_class_names():
    text = colour_key_html([(NEGATIVE, "<b>a</b>")], "background: x")
    assert "&lt;b&gt;a&lt;/b&gt;" in text and "<b>a" not in text
    assert text.endswith("Background: x.")


def test_the_key_shows_markdown_in_class_names_as_typed():
    text = colour_key_html([(NEGATIVE, "[win](http://x.example)"), (POSITIVE, "*$1*")], "background: x")
    assert "[win](" not in text and r"\[win\]\(http\:" in text
    assert r"\*\$1\*" in text
