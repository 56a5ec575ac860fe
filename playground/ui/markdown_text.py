"""Visitors' text (CSV column and class names) placed into Streamlit Markdown, shown as typed.

Streamlit's Markdown reads ``*``, ``_``, ``[...](...)``, backticks and ``$...$`` (LaTeX), and,
where a caller passes ``unsafe_allow_html=True``, raw HTML: a column named ``<img ...>`` or
``[x](http://...)`` must show as those characters, not as an element or a link.
"""
from __future__ import annotations

import html
import re

#: Characters that Markdown (CommonMark plus Streamlit's LaTeX and colour directives) may read;
#: "<" and ">" are left to the HTML escape.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")


def literal(text: object) -> str:
    """``text`` with HTML escaped (``&``, ``<``, ``>``, quotes) and every Markdown punctuation
    mark backslash-escaped, so that Markdown, with or without HTML allowed, shows it verbatim."""
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", str(text)))   # HTML last: its entities hold "#"
