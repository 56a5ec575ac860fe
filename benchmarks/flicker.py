"""Is the live chart always on screen while playing, and how many frames per second?

Starts ``benchmarks/live_chart_demo.py`` with ``streamlit run`` on a free loopback
port, opens it in headless Chromium (Playwright), and for ~5 s samples every 20 ms
(inside the page) whether a rendered heatmap image is on screen and which one it
is. Prints the share of time the heatmap was visible and the distinct frames shown
per second, for (1) the ``live_chart`` component and (2) ``st.plotly_chart`` given
a new figure each rerun. Also reports how plotly.js reached the browser.

    python benchmarks/flicker.py [--seconds 5] [--frames 4] [--interval-ms 66]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from testkit.local_server import CHROMIUM, CHROMIUM_ARGS, running_streamlit

REPO = Path(__file__).resolve().parent.parent

DEMO = REPO / "benchmarks" / "live_chart_demo.py"

# Runs in the page: every 20 ms, is a heatmap image drawn with a non-zero box inside
# the viewport, and a cheap signature of that image (to count distinct frames).
SAMPLER = """
async ([seconds, period]) => {
  const signature = (href) => {
    let h = 2166136261 >>> 0;
    for (let i = 0; i < href.length; i += 5) h = Math.imul(h ^ href.charCodeAt(i), 16777619) >>> 0;
    return `${href.length}:${h}`;
  };
  const probe = () => {
    const images = document.querySelectorAll('.js-plotly-plot .heatmaplayer image');
    for (const image of images) {
      const href = image.getAttribute('href') || image.getAttribute('xlink:href') || '';
      const box = image.getBoundingClientRect();
      const onScreen = box.width > 10 && box.height > 10 && box.bottom > 0 && box.top < innerHeight;
      if (href.length > 100 && onScreen) return signature(href);
    }
    return null;
  };
  const samples = [];
  const start = performance.now();
  return await new Promise((resolve) => {
    const timer = setInterval(() => {
      const t = performance.now() - start;
      samples.push([t, probe()]);
      if (t >= seconds * 1000) { clearInterval(timer); resolve(samples); }
    }, period);
  });
}
"""


def summarise(samples: list[list]) -> dict[str, float]:
    """Share of time visible (time-weighted between samples) and distinct frames per second."""
    visible_time = total_time = 0.0
    changes = 0
    for (t0, sig0), (t1, sig1) in zip(samples, samples[1:], strict=False):
        total_time += t1 - t0
        if sig0 is not None:
            visible_time += t1 - t0
        if sig1 is not None and sig1 != sig0 and sig0 is not None:
            changes += 1
    shown = {sig for _, sig in samples if sig is not None}
    seconds = total_time / 1000
    return {
        "visible_share": visible_time / total_time if total_time else 0.0,
        "visible_samples": sum(sig is not None for _, sig in samples) / len(samples),
        "samples": len(samples),
        "frames_per_second": changes / seconds if seconds else 0.0,
        "distinct_frames_per_second": len(shown) / seconds if seconds else 0.0,
    }


def measure(browser, demo_args: list[str], seconds: float, warmup: float) -> dict[str, float]:
    with running_streamlit(DEMO, demo_args) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        plotly_transfers: list[tuple[str, int, str]] = []

        def on_response(response):
            if "plotly.min.js" in response.url:
                body = response.body()
                plotly_transfers.append(
                    (response.headers.get("content-encoding", "identity"), len(body), response.url)
                )

        page.on("response", on_response)
        page.goto(url)
        page.wait_for_selector(".js-plotly-plot .heatmaplayer image", timeout=30_000)
        page.wait_for_timeout(warmup * 1000)
        counters = "() => ({...(document.querySelector('.np-live-chart')?.dataset || {})})"
        before = page.evaluate(counters)
        result = summarise(page.evaluate(SAMPLER, [seconds, 20]))
        after = page.evaluate(counters)
        if "framesDrawn" in after:  # the component counts what it draws and receives
            result["drawn_per_second"] = (int(after["framesDrawn"]) - int(before["framesDrawn"])) / seconds
            result["batches_per_second"] = (
                int(after["batchesReceived"]) - int(before["batchesReceived"])
            ) / seconds
        result["plotly_js_downloads"] = len(plotly_transfers)
        # A second page load in the same browser context: is plotly.js downloaded again?
        page.reload()
        page.wait_for_selector(".js-plotly-plot .heatmaplayer image", timeout=30_000)
        result["plotly_js_downloads_after_reload"] = len(plotly_transfers) - result["plotly_js_downloads"]
        result["transfers"] = plotly_transfers
        context.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--interval-ms", type=int, default=66)
    args = parser.parse_args()

    designs = {
        "live_chart component": ["--mode", "component", "--frames", str(args.frames)],
        "st.plotly_chart": ["--mode", "plotly_chart"],
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, demo_args in designs.items():
                result = measure(
                    browser, [*demo_args, "--interval-ms", str(args.interval_ms)], args.seconds, args.warmup
                )
                print(
                    f"{name:22s} visible {result['visible_share']:6.1%} of the time "
                    f"({result['visible_samples']:.1%} of {result['samples']} samples), "
                    f"{result['frames_per_second']:5.1f} frames/s shown"
                )
                if "drawn_per_second" in result:
                    print(
                        f"{'':22s} component: {result['batches_per_second']:.1f} batches/s received, "
                        f"{result['drawn_per_second']:.1f} frames/s drawn with Plotly.react"
                    )
                if result["transfers"]:
                    encoding, size, _ = result["transfers"][0]
                    print(
                        f"{'':22s} plotly.js: {result['plotly_js_downloads']} download(s) on first load "
                        f"({size / 1e6:.2f} MB decoded, content-encoding {encoding}), "
                        f"{result['plotly_js_downloads_after_reload']} after a reload"
                    )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
