"""The Inside the step panel in a real browser: clicks on the charts choose what it explains."""
from __future__ import annotations

import re

import pytest

from testkit.local_server import button, wait_idle

pytestmark = pytest.mark.e2e

#: The pixel position (page coordinates) of one training point on the regions chart, read
#: from the overlay's own axes.
POINT_PIXEL = """([row]) => {
  const overlay = document.querySelector('.st-key-regions_chart .np-live-chart-overlay');
  const trace = overlay._fullData[0];
  const layout = overlay._fullLayout;
  const box = overlay.getBoundingClientRect();
  return [box.left + layout.xaxis._offset + layout.xaxis.d2p(trace.x[row]),
          box.top + layout.yaxis._offset + layout.yaxis.d2p(trace.y[row]), trace.x.length];
}"""
NODE_PIXEL = """([name]) => {
  const chart = document.querySelector('.st-key-network_chart .np-live-chart');
  const trace = chart._fullData.find((t) => t.customdata && Array.from(t.customdata).includes(name));
  const i = Array.from(trace.customdata).indexOf(name);
  const layout = chart._fullLayout;
  const box = chart.getBoundingClientRect();
  return [box.left + layout.xaxis._offset + layout.xaxis.d2p(trace.x[i]),
          box.top + layout.yaxis._offset + layout.yaxis.d2p(trace.y[i])];
}"""


def _panel_sample(tab) -> int:
    text = tab.get_by_text(re.compile(r"^Sample \d+")).first.inner_text()
    return int(re.match(r"Sample (\d+)", text).group(1))


def test_clicking_a_point_and_a_neuron_chooses_them(server_url, open_tab):
    tab = open_tab(f"{server_url}/?dataset=xor&noise=0")
    wait_idle(tab, 60_000)
    button(tab, "Step").click()
    tab.wait_for_timeout(500)
    wait_idle(tab)
    tab.wait_for_function("() => document.querySelector('.st-key-regions_chart .np-live-chart-overlay')?.data")
    assert _panel_sample(tab) == 0
    for row in (17, 42):
        x, y, n = tab.evaluate(POINT_PIXEL, [row])
        assert n > row
        tab.mouse.click(x, y)
        tab.wait_for_function(f"() => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith("
                              f"'Sample {row}:'))", timeout=15_000)
        wait_idle(tab)
        assert _panel_sample(tab) == row
    tab.wait_for_function("() => document.querySelector('.st-key-network_chart .np-live-chart')?.data")
    x, y = tab.evaluate(NODE_PIXEL, ["h2.2"])
    tab.mouse.click(x, y)
    tab.wait_for_timeout(500)
    wait_idle(tab)
    # The panel now explains h2.2: its hand-edit line names one of h2.2's incoming links.
    tab.get_by_text(re.compile(r"→ h2\.2 is now")).first.wait_for(timeout=15_000)
