"""The whole app in Streamlit's ``AppTest`` (no browser, no server), for the page tests in ``tests/ui``."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from testkit.local_server import REPO

APP = REPO / "app.py"


def open_app(query: dict[str, str] | None = None, timeout: float = 30) -> AppTest:
    """``app.py`` run once with the URL parameters ``query``; it must show no exception."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if query:
        at.query_params = dict(query)
    at.run()
    assert not at.exception, at.exception
    return at
