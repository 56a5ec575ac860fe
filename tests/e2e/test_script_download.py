"""End to end: step the real page, download the network as a numpy script, run it.

The script's first line must show the page's Iteration counter and Training loss (to the
three decimals the page shows); after five more Steps on the page, the page must show the
training loss the script printed for five more iterations.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from testkit.local_server import button, iteration, metric_text, wait_idle

pytestmark = pytest.mark.e2e

#: Momentum and L2, so that the script must carry the optimizer's velocity and the penalty.
SET_UP = "?optimizer=momentum&regularization=l2&regularization_rate=0.001"
LINE = re.compile(r"^iteration (\d+) training loss (\S+)$")


def shown_iteration(tab) -> int | None:
    try:
        return iteration(tab)
    except ValueError:          # between reruns the metric can be momentarily absent
        return None


def step_to(tab, target: int, timeout_s: float = 15) -> None:
    """Click Step until the Iteration counter shows ``target``, one click per change."""
    while (current := shown_iteration(tab)) != target:
        assert current is not None and current < target, current
        button(tab, "Step").click()
        deadline = time.monotonic() + timeout_s
        while shown_iteration(tab) in (current, None):
            assert time.monotonic() < deadline, f"Step did not move the Iteration counter from {current}"
            time.sleep(0.05)
        wait_idle(tab)


def test_the_downloaded_script_runs_and_continues_the_page(open_tab, server_url, tmp_path):
    tab = open_tab(server_url + SET_UP)
    wait_idle(tab, timeout_ms=60_000)
    step_to(tab, 3)
    shown_iteration, shown_loss = iteration(tab), metric_text(tab, "Training loss")

    tab.get_by_text("Export and import").click()
    with tab.expect_download(timeout=30_000) as download:
        button(tab, "Download as a numpy script").click()
    assert download.value.suggested_filename == "network.py"
    script = tmp_path / "network.py"
    download.value.save_as(script)
    result = subprocess.run([sys.executable, str(script), "--iterations", "5"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)

    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = [LINE.match(line) for line in result.stdout.splitlines()[:2]]
    assert all(lines), result.stdout
    (first_iteration, first_loss), (last_iteration, last_loss) = [(int(m[1]), float(m[2])) for m in lines]
    assert first_iteration == shown_iteration == 3
    assert f"{first_loss:.3f}" == shown_loss, (first_loss, shown_loss)

    step_to(tab, 8)
    assert last_iteration == iteration(tab) == 8
    assert f"{last_loss:.3f}" == metric_text(tab, "Training loss"), (last_loss, result.stdout)
