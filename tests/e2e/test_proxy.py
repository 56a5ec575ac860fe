"""End to end through the proxy: ``deploy/run-local.sh 2 PORT`` serves a class.

Three visitors (separate browser sessions, all from 127.0.0.1, so only the cookie can tell
them apart) use the page through nginx: Step, Play and Pause, and a CSV upload (which also
needs the XSRF cookie of the process that made the page). They are spread over both
Streamlit processes, each visitor's websocket staying on the process its cookie names. When
one process dies, new visitors, and visitors whose cookie names the dead one, are sent to
the other and can work. SIGTERM to the script stops nginx and every process, and frees
every port.

Skips without nginx (Debian: ``apt-get install nginx``), Chromium or Playwright, except under
``CI=true``, where that is a failure.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest

from testkit.local_server import REPO, button, free_port, iteration, wait_for_iteration, wait_idle

pytestmark = pytest.mark.e2e

psutil = pytest.importorskip("psutil", reason="the proxy test reads the processes' connections with psutil")

SCRIPT = REPO / "deploy" / "run-local.sh"
SAMPLE_CSV = REPO / "assets" / "sample.csv"
REGIONS_IMAGE = ".st-key-regions_chart .np-live-chart .heatmaplayer image"
COOKIE = "np_replica"
START_TIMEOUT_S = 180


def require_nginx() -> None:
    if shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"):
        return
    reason = "nginx is not installed (Debian: apt-get install nginx)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the proxy test cannot run: {reason}")
    pytest.skip(f"proxy test skipped: {reason}")


@dataclass
class Proxy:
    url: str
    port: int
    script: subprocess.Popen
    replicas: dict[str, tuple[int, int]]        # name -> (port, pid)
    output: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def proxy(browser):
    require_nginx()
    port = free_port()
    script = subprocess.Popen(["bash", str(SCRIPT), "2", str(port), "127.0.0.1"], cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    running = Proxy(f"http://127.0.0.1:{port}", port, script, {})
    ready = threading.Event()

    def read_output() -> None:            # also keeps the pipe drained while the tests run
        for line in script.stdout:
            running.output.append(line.rstrip())
            replica = re.match(r"replica (r\d+): http://127\.0\.0\.1:(\d+) pid (\d+)", line)
            if replica:
                running.replicas[replica[1]] = (int(replica[2]), int(replica[3]))
            if line.startswith("serving "):
                ready.set()
        ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    try:
        if not ready.wait(START_TIMEOUT_S) or script.poll() is not None:
            pytest.fail("deploy/run-local.sh did not start:\n" + "\n".join(running.output[-40:]))
        yield running
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait(timeout=10)


def visit(browser, url: str, cookie: str | None = None):
    """A new browser session on ``url`` (optionally carrying the sticky cookie), loaded and idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    if cookie is not None:
        context.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector(REGIONS_IMAGE, timeout=90_000)
    wait_idle(tab, timeout_ms=60_000)
    return context, tab


def sticky_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def step_works(tab) -> None:
    before = iteration(tab)
    button(tab, "Step").click()
    assert wait_for_iteration(tab, lambda n: n != before, 30) == before + 1


def play_and_pause_work(tab) -> None:
    button(tab, "Play").click()
    button(tab, "Pause").wait_for(timeout=30_000)
    started = iteration(tab)
    wait_for_iteration(tab, lambda n: n > started + 5, 30)
    button(tab, "Pause").click()
    button(tab, "Play").wait_for(timeout=30_000)
    wait_idle(tab, timeout_ms=60_000)


def upload_works(tab) -> None:
    """Choose "Your CSV file", upload the sample, see the network trained on it take a Step."""
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Dataset").click()
    tab.get_by_role("option", name="Your CSV file").click()
    upload = sidebar.locator("[data-testid='stFileUploader'] input[type='file']")
    upload.wait_for(state="attached", timeout=30_000)
    upload.set_input_files(str(SAMPLE_CSV))
    sidebar.get_by_text("Column to predict").wait_for(timeout=60_000)
    tab.wait_for_selector(REGIONS_IMAGE, timeout=60_000)
    wait_idle(tab, timeout_ms=60_000)
    assert iteration(tab) == 0                       # a new network, for the uploaded data
    step_works(tab)


def websockets_per_process(proxy_: Proxy) -> dict[str, int]:
    """Open connections into each process: only websockets stay open (nginx keeps no idle ones)."""
    counts = {}
    for name, (port, pid) in proxy_.replicas.items():
        connections = psutil.Process(pid).net_connections(kind="tcp")
        counts[name] = sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port for c in connections)
    return counts


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


# -- tests (in this order: the last two kill processes) --------------------------------------
def test_three_visitors_work_and_are_spread_over_both_processes(proxy, browser):
    assert sorted(proxy.replicas) == ["r0", "r1"], proxy.output
    visitors = [visit(browser, proxy.url) for _ in range(3)]
    try:
        names = [sticky_cookie(context) for context, _ in visitors]
        assert set(names) == {"r0", "r1"}, names
        for _, tab in visitors:
            step_works(tab)
            play_and_pause_work(tab)
            upload_works(tab)
        # Every visitor's websocket is on the process its cookie names.
        assert websockets_per_process(proxy) == {name: names.count(name) for name in ("r0", "r1")}
        assert [sticky_cookie(context) for context, _ in visitors] == names
    finally:
        for context, _ in visitors:
            context.close()


def test_when_a_process_dies_visitors_go_to_the_other(proxy, browser):
    dead_port, dead_pid = proxy.replicas["r0"]
    os.kill(dead_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while listening(dead_port):
        assert time.monotonic() < deadline, "the killed process still listens"
        time.sleep(0.1)
    for cookie in (None, "r0"):           # a newcomer, and a visitor whose process died
        context, tab = visit(browser, proxy.url, cookie)
        try:
            assert sticky_cookie(context) == "r1"
            step_works(tab)
        finally:
            context.close()


def test_sigterm_stops_everything(proxy):
    pids = [pid for _, pid in proxy.replicas.values()]
    ports = [proxy.port, *(port for port, _ in proxy.replicas.values())]
    nginx = [p.pid for p in psutil.Process(proxy.script.pid).children(recursive=True) if p.name() == "nginx"]
    assert nginx, "nginx is not among the script's processes"
    proxy.script.send_signal(signal.SIGTERM)
    proxy.script.wait(timeout=30)
    time.sleep(0.5)
    alive = [pid for pid in pids + nginx if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]
    assert not alive, f"still running after SIGTERM: {alive}"
    assert not [port for port in ports if listening(port)]
    assert any(line.startswith("stopped:") for line in proxy.output), proxy.output[-10:]
