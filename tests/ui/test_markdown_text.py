"""Visitors' names reach Streamlit Markdown as literal text."""
import html
import re

import pytest

from playground.ui.markdown_text import literal

NAMES = ["<img src=x onerror=alert(1)>", "[link](javascript:alert(1))", "**bold** _it_", "$x^2$", "O'Neil & Co",
         "a\\b", "# heading", "1. item", "`code`", ":red[colour]"]


@pytest.mark.parametrize("name", NAMES)
def test_literal_escapes_every_markdown_and_html_mark(name):
    text = literal(name)
    assert "<" not in text and ">" not in text
    # Undo the escapes the way a CommonMark reader does: what is left is the name as typed.
    assert re.sub(r"\\(.)", r"\1", html.unescape(text)) == name


def test_plain_text_is_unchanged():
    assert literal("petal width") == "petal width"
    assert literal(3) == "3"
