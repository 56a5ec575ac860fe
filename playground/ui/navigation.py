"""The app's pages, registered by ``app.py``, so that a page can link to another (a lesson on
the other page) with ``st.page_link``. Empty when a page runs on its own (a test)."""
from __future__ import annotations

import streamlit as st

#: Page name ("playground", "recurrent") -> its ``st.Page``, filled by ``app.py``.
PAGES: dict[str, st.Page] = {}


def page_link(page: str, label: str, query_params: dict[str, str]) -> None:
    """A link to ``page`` with ``query_params`` that stays in this browser session (a markdown
    link when the page is not registered)."""
    target = PAGES.get(page)
    if target is not None:
        st.page_link(target, label=label, query_params=query_params, icon=":material/arrow_forward:")
    else:
        query = "&".join(f"{k}={v}" for k, v in query_params.items())
        st.markdown(f"[{label}]({page}?{query})")


def switch_to(page: str, query_params: dict[str, str]) -> None:
    """Open ``page`` with ``query_params`` in place of this run (it does not return); does
    nothing when the page is not registered."""
    target = PAGES.get(page)
    if target is not None:
        st.switch_page(target, query_params=query_params)
