"""Run the app (or another Streamlit script) on a free loopback port, and read it in a browser.

Used by the browser tests (``tests/e2e``) and by the benchmarks that measure the page in
headless Chromium. ``running_streamlit`` starts ``python -m streamlit run`` as a child
process, waits for its health check, yields the URL and always stops the process; the
reading helpers take a Playwright page. Nothing here imports Streamlit or Playwright.
"""
from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Debian's Chromium, and the flags that keep it quiet on a machine with no network or GPU.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


#: The app is connected and no script runs.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_streamlit(script: str | Path = "app.py", script_args: Sequence[str] = (),
                      start_timeout: float = 60.0, server_args: Sequence[str] = ()) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port; yields its URL, stops it on exit.

    ``server_args`` are more ``streamlit run`` flags (``--runner.postScriptGC=false``).

    Raises RuntimeError, with the end of the server's output, if it does not answer its
    health check within ``start_timeout`` seconds.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *server_args]
    if script_args:
        command += ["--", *script_args]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-3000:]
                    raise RuntimeError(f"streamlit did not start:\n{output}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


# -- reading the page (``tab`` is a Playwright page) ---------------------------------------------
def wait_idle(tab, timeout_ms: int = 30_000) -> None:
    """Wait until the app is connected and no script runs; no exception box may be shown."""
    tab.wait_for_selector(IDLE, timeout=timeout_ms)
    exceptions = tab.locator("[data-testid='stException']")
    if exceptions.count():
        raise AssertionError(f"the page shows an exception: {exceptions.first.inner_text()}")


def open_page(browser, url: str, *, width: int = 1280, height: int = 720, scheme: str = "light",
              ready: str | None = None, ready_timeout_ms: int = 60_000):
    """A fresh browser session (``width`` x ``height``, ``scheme`` "light" or "dark") on ``url``;
    returns (context, tab, errors): the page's JavaScript errors collect in ``errors``. With
    ``ready``, waits for that selector (60 s by default: the first page of a server loads
    plotly.js), then idle."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    if ready is not None:
        tab.wait_for_selector(ready, timeout=ready_timeout_ms)
        wait_idle(tab)
    return context, tab, errors


def wait_for_iteration(tab, predicate, timeout_s: float = 15.0, what: str = "") -> int:
    """Poll the Iteration counter until ``predicate(value)``; fail saying ``what`` and where it
    stayed. (Between reruns the counter can be momentarily absent: that is a None, not a failure.)"""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = iteration(tab)
        except ValueError:
            value = None
        if value is not None and predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what + ': ' if what else ''}the Iteration counter stayed at {value}")
        tab.wait_for_timeout(50)


def metric_text(tab, label: str) -> str:
    """The shown value of the ``st.metric`` labelled ``label``."""
    metric = tab.locator("[data-testid='stMetric']").filter(
        has=tab.locator("[data-testid='stMetricLabel']", has_text=re.compile(rf"^{re.escape(label)}$")))
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def iteration(tab) -> int:
    """The Iteration counter."""
    return int(metric_text(tab, "Iteration").replace(",", ""))


def button(tab, name: str):
    """The button labelled ``name`` (an icon's ligature text may come before the label, and a
    keyboard shortcut's "Shortcut Space" after it)."""
    return tab.get_by_role("button", name=re.compile(rf"(^|\s){re.escape(name)}( Shortcut \S+)?$"))
