"""How fast is the playground page? Server time per frame, and the real page in headless Chromium.

Not a test: run it by hand on the machine you want numbers for, and read the table.

    python benchmarks/app.py [--seconds 6] [--steps 20] [--skip-browser]

Measures, against the page's speed targets:

* server time to build one frame (``network_frame`` + ``regions_frame`` + ``curves_frame``,
  as a Step draws them, and their JSON for the live charts) for the default network and a
  10 x 64 one (targets 50 ms and 150 ms);
* time from clicking Step to the updated charts (median of ``--steps``; target 300 ms):
  the Iteration counter changed and all three live charts drew a new frame; once with the
  "Inside the step" panel open (as the page starts) and once with it closed;
* while playing, sampled every 20 ms inside the page: share of time the decision regions
  are on screen (target 95 %) and distinct frames shown per second (target 10);
* training speed while playing at the fastest speed (1,000 iterations per frame), in
  epochs per second read from the Epoch counter, for TensorFlow Playground's default
  network (circle, 2-4-2-1 tanh, batch 10) and its largest (7 inputs, six layers of 8).
  The bar: TF Playground trains them at 48 and 11 epochs/s while playing; ours must do
  5 times that (240 and 55) while drawing at least 10 frames/s.

It also profiles where the time goes: the trainer (one optimizer step vs measuring loss
and accuracy on the whole data after every iteration), each figure, and the JSON.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from playground.training import config as cfg
from playground.training.trainer import Trainer
from playground.ui import live_chart as lc
from playground.ui import playground_page as pp
from playground.viz.curves import curves_frame
from playground.viz.network_diagram import network_frame
from playground.viz.regions import regions_frame
from testkit.local_server import CHROMIUM, CHROMIUM_ARGS, IDLE, button, running_streamlit
from testkit.local_server import open_page as open_session  # the tests' own way to open a session

REPO = Path(__file__).resolve().parent.parent

REGIONS = ".st-key-regions_chart .np-live-chart"

TF_DEFAULT = cfg.PRESETS["tf_default"].config
TF_LARGEST = TF_DEFAULT.with_changes(features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
                                     hidden_layers=(8,) * 6)
BIG = cfg.DEFAULT.with_changes(hidden_layers=(64,) * 10)
TF_EPOCHS_PER_SECOND = {"TF default": 48, "TF largest": 11}

rows: list[tuple[str, str, str, str]] = []     # (measure, value, target, verdict)


def report(measure: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    rows.append((measure, value, target, verdict))
    print(f"  {measure}: {value}  {target} {verdict}", flush=True)


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


# -- server side, called directly ----------------------------------------------------------------
def server_frame(name: str, config: cfg.Config, target_ms: float, repeat: int = 15) -> None:
    trainer = Trainer(config)
    trainer.step(300)
    parts = {
        "network_frame": lambda: network_frame(trainer, height=pp.DIAGRAM_HEIGHT),
        "regions_frame": lambda: regions_frame(trainer, height=pp.REGIONS_HEIGHT, points=False),
        "curves_frame": lambda: curves_frame(trainer.history, trainer.task, height=pp.CURVES_HEIGHT),
    }
    for function in parts.values():      # warm up (imports, plotly validators)
        function()
    times = {part: median_ms(function, repeat) for part, function in parts.items()}
    figures = [function() for function in parts.values()]

    def encode():
        for figure in figures:
            lc.encode_payload(lc.frame_payload([figure], frame_interval_ms=75, height=300, alt="",
                                               plotly_url="/x.js"))
    json_ms = median_ms(encode, repeat)
    size = sum(len(lc.encode_payload(lc.frame_payload([f], frame_interval_ms=75, height=300, alt="",
                                                       plotly_url="/x.js"))) for f in figures)
    total = sum(times.values())
    report(f"server frame, {name}: 3 figures", f"{total:.1f} ms", f"<= {target_ms:.0f} ms",
           total <= target_ms)
    report("  of which", ", ".join(f"{k} {v:.1f} ms" for k, v in times.items()))
    report("  + JSON for the live charts", f"{json_ms:.1f} ms ({size / 1e3:.0f} kB)",
           f"(figures + JSON {total + json_ms:.1f} ms)")


def trainer_speed(name: str, config: cfg.Config) -> dict[str, float]:
    """Training alone: epochs per second, and the share spent measuring the whole data."""
    trainer = Trainer(config)
    trainer.step(200)
    iterations = 3000
    start = time.perf_counter()
    trainer.step(iterations)
    per_iteration = (time.perf_counter() - start) / iterations
    measure = median_ms(trainer._measure, 200) / 1000          # noqa: SLF001 (profiling)
    epochs = 1 / (per_iteration * trainer.iterations_per_epoch)
    report(f"trainer.step alone, {name}",
           f"{per_iteration * 1e6:.0f} us/iteration = {epochs:.0f} epochs/s; "
           f"{measure / per_iteration:.0%} of it is _measure() (loss+accuracy on all "
           f"{len(trainer.dataset.X_train) + len(trainer.dataset.X_test)} points after every iteration)")
    return {"per_iteration": per_iteration, "measure": measure, "per_epoch": trainer.iterations_per_epoch}


def server_rerun(name: str, config: cfg.Config) -> float:
    """One playing fragment rerun at speed 1000, exactly as the page does it (``_frames``)."""
    trainer = Trainer(config.with_changes(speed=1000))
    trainer.step(100)
    first = trainer.iteration
    t0 = time.perf_counter()
    diagrams, regions = pp._frames(trainer, trainer.config, pp.FRAMES_PER_RUN, advance=True)  # noqa: SLF001
    t1 = time.perf_counter()
    curves = curves_frame(trainer.history, trainer.task, height=pp.CURVES_HEIGHT)
    for frames in (diagrams, regions, [curves]):
        lc.encode_payload(lc.frame_payload(frames, frame_interval_ms=75, height=300, alt="",
                                           plotly_url="/x.js"))
    t2 = time.perf_counter()
    total = t2 - t0
    iterations = trainer.iteration - first
    epochs = iterations / trainer.iterations_per_epoch
    report(f"server work of one playing rerun, {name} ({pp.FRAMES_PER_RUN} frames at speed 1000)",
           f"{total * 1000:.0f} ms for {iterations} iterations -> at most {epochs / total:.0f} epochs/s "
           f"and {pp.FRAMES_PER_RUN / total:.1f} frames/s if the server did nothing else",
           f"training + figures {1000 * (t1 - t0):.0f} ms; curves + JSON {1000 * (t2 - t1):.0f} ms")
    return total


# Runs in the page: click Step, then wait until the Iteration counter changed and every
# live chart drew a new frame. Returns milliseconds.
STEP_LATENCY = """
async () => {
  // The confusion matrix is left out: it is redrawn only when a count changed.
  const charts = () => ['network_chart', 'regions_chart', 'curves_chart']
    .map(key => Number(document.querySelector(`.st-key-${key} .np-live-chart`)?.dataset.framesDrawn || 0));
  const iteration = () => {
    for (const m of document.querySelectorAll('[data-testid=stMetric]')) {
      if (m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === 'Iteration')
        return m.querySelector('[data-testid=stMetricValue]').innerText;
    }
    return null;
  };
  // The button reads "Step\\n\\n→": its label, then its shortcut's hint.
  const button = Array.from(document.querySelectorAll('button'))
    .find(b => b.innerText.trim().split('\\n')[0] === 'Step');
  const before = charts(), itBefore = iteration();
  const start = performance.now();
  button.click();
  return await new Promise((resolve, reject) => {
    const poll = () => {
      const now = charts();
      const done = iteration() !== itBefore && now.length === before.length
        && now.every((n, i) => n > before[i]);
      if (done) resolve(performance.now() - start);
      else if (performance.now() - start > 15000) reject(new Error('no update within 15 s'));
      else setTimeout(poll, 2);
    };
    poll();
  });
}
"""

# Runs in the page while playing: every 20 ms, is a decision-region heatmap image on screen
# (and a cheap signature of it, to count distinct frames), how opaque is it (Streamlit dims
# stale elements), and what do the Epoch and Iteration counters say.
SAMPLER = """
async ([seconds, period, selector]) => {
  const signature = (href) => {
    let h = 2166136261 >>> 0;
    for (let i = 0; i < href.length; i += 5) h = Math.imul(h ^ href.charCodeAt(i), 16777619) >>> 0;
    return `${href.length}:${h}`;
  };
  const counter = (label) => {
    for (const m of document.querySelectorAll('[data-testid=stMetric]')) {
      if (m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === label)
        return Number(m.querySelector('[data-testid=stMetricValue]').innerText.replace(/,/g, ''));
    }
    return null;
  };
  const probe = () => {
    const chart = document.querySelector(selector);
    if (!chart) return [null, 0];
    let opacity = 1;
    for (let e = chart; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    for (const image of chart.querySelectorAll('.heatmaplayer image')) {
      const href = image.getAttribute('href') || image.getAttribute('xlink:href') || '';
      const box = image.getBoundingClientRect();
      const onScreen = box.width > 10 && box.height > 10 && box.bottom > 0 && box.top < innerHeight;
      if (href.length > 100 && onScreen) return [signature(href), opacity];
    }
    return [null, opacity];
  };
  const samples = [];
  const start = performance.now();
  return await new Promise((resolve) => {
    const timer = setInterval(() => {
      const t = performance.now() - start;
      const [sig, opacity] = probe();
      const chart = document.querySelector(selector);
      samples.push([t, sig, opacity, counter('Epoch'), counter('Iteration'),
                    Number(chart?.dataset.framesDrawn || 0), Number(chart?.dataset.batchesReceived || 0)]);
      if (t >= seconds * 1000) { clearInterval(timer); resolve(samples); }
    }, period);
  });
}
"""


def rate(samples: list[list], column: int) -> float | None:
    """Change per second of a counter between the first and the last time it changed.

    The counters change once per fragment rerun (every 0.3 s to several seconds), so the
    rate is taken between change points, never from the window's edges.
    """
    changes = [(s[0], s[column]) for previous, s in zip(samples, samples[1:])
               if s[column] is not None and previous[column] is not None and s[column] != previous[column]]
    if len(changes) < 2:
        return None
    (t_first, v_first), (t_last, v_last) = changes[0], changes[-1]
    return (v_last - v_first) / ((t_last - t_first) / 1000)


def summarise(samples: list[list]) -> dict[str, float]:
    visible = total = dimmed = 0.0
    changes = 0
    gaps = []
    for (t0, sig0, op0, *_), (t1, sig1, *_rest) in zip(samples, samples[1:]):
        total += t1 - t0
        gaps.append(t1 - t0)
        if sig0 is not None:
            visible += t1 - t0
        if op0 < 0.9:
            dimmed += t1 - t0
        if sig0 is not None and sig1 is not None and sig1 != sig0:
            changes += 1
    seconds = total / 1000
    return {
        "visible": visible / total, "dimmed": dimmed / total, "fps": changes / seconds,
        "drawn_fps": (samples[-1][5] - samples[0][5]) / seconds,
        "batches_per_s": (samples[-1][6] - samples[0][6]) / seconds,
        "epochs_per_s": rate(samples, 3), "iterations_per_s": rate(samples, 4),
        "samples": len(samples), "mean_gap": statistics.mean(gaps), "max_gap": max(gaps),
    }


# Runs in the page: time every Plotly.react per chart, and the main thread's long tasks.
INSTRUMENT = """
() => {
  if (window.__np) return;
  window.__np = {react: {}, longtask: 0};
  const original = window.Plotly.react;
  window.Plotly.react = async function (div, ...rest) {
    const start = performance.now();
    try { return await original.call(this, div, ...rest); }
    finally {
      const names = div.closest('.stElementContainer')?.className || '';
      const key = (names.match(/st-key-(\\S+)/) || [, '?'])[1];
      const entry = window.__np.react[key] || (window.__np.react[key] = {n: 0, ms: 0});
      entry.n += 1; entry.ms += performance.now() - start;
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__np.longtask += entry.duration;
  }).observe({type: 'longtask'});
}
"""
RESET_INSTRUMENT = "() => { window.__np.react = {}; window.__np.longtask = 0; }"
READ_INSTRUMENT = "() => window.__np"


def open_page(browser, url: str):
    """A 1280 x 720 session on ``url`` once its regions are drawn and no script runs (90 s: a
    loaded machine); returns (context, page)."""
    context, page, _ = open_session(browser, url, ready=f"{REGIONS} .heatmaplayer image", ready_timeout_ms=90_000)
    page.wait_for_timeout(500)
    return context, page


#: The Inside the step panel's expander (open when the page starts): the expander whose summary
#: says so. (``summary:text(...)`` matches nothing: ``:text`` picks the smallest element with the
#: text, a span inside the summary, whose icon text comes first.)
INSIDE_STEP_SUMMARY = "Inside the step"


def step_latency(browser, base_url: str, steps: int, panel_open: bool) -> None:
    context, page = open_page(browser, base_url)
    page.wait_for_function("() => window.Plotly && window.Plotly.react")
    panel = page.locator("[data-testid='stExpander']").filter(
        has=page.locator("summary", has_text=INSIDE_STEP_SUMMARY))
    if not panel_open:
        panel.locator("summary").click()
        page.wait_for_selector(IDLE, timeout=30_000)
    page.evaluate(INSTRUMENT)
    page.evaluate(RESET_INSTRUMENT)
    times = []
    for _ in range(steps):
        times.append(page.evaluate(STEP_LATENCY))
        page.wait_for_selector(IDLE, timeout=30_000)
        page.wait_for_timeout(150)
    really_open = panel.locator("details").get_attribute("open") is not None
    browser_work = page.evaluate(READ_INSTRUMENT)
    context.close()
    if really_open != panel_open:
        raise RuntimeError(f"the Inside the step panel was {'open' if really_open else 'closed'} while timing")
    median = statistics.median(times)
    state = "open" if panel_open else "closed"
    report(f"click Step -> counter and 3 charts updated, Inside the step {state} (median of {steps})",
           f"{median:.0f} ms", "<= 300 ms", median <= 300)
    react = ", ".join(f"{key.replace('_chart', '')} {v['ms'] / max(v['n'], 1):.0f} ms"
                      for key, v in sorted(browser_work["react"].items()))
    report("  Step latency min / max", f"{min(times):.0f} / {max(times):.0f} ms",
           f"browser Plotly.react per Step: {react}")


def playing(browser, base_url: str, name: str, config: cfg.Config, seconds: float, warmup: float,
            epochs_target: float | None, screenshot: Path | None = None) -> dict[str, float]:
    query = urlencode(config.to_query())
    context, page = open_page(browser, f"{base_url}/?{query}")
    button(page, "Play").click()
    button(page, "Pause").wait_for(timeout=15_000)
    page.wait_for_function("() => window.Plotly && window.Plotly.react")
    page.evaluate(INSTRUMENT)
    page.wait_for_timeout(warmup * 1000)
    page.evaluate(RESET_INSTRUMENT)
    result = summarise(page.evaluate(SAMPLER, [seconds, 20, REGIONS]))
    browser_work = page.evaluate(READ_INSTRUMENT)
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    button(page, "Pause").click()
    context.close()
    label = f"playing {name} (speed {config.speed})"
    report(f"{label}: regions on screen", f"{result['visible']:.1%} of the time", ">= 95 %",
           result["visible"] >= 0.95)
    report(f"{label}: frames shown", f"{result['fps']:.1f} frames/s", ">= 10", result["fps"] >= 10)
    report(f"{label}: details",
           f"{result['drawn_fps']:.1f} Plotly.react/s, {result['batches_per_s']:.1f} reruns/s, "
           f"dimmed (stale, opacity < 0.9) {result['dimmed']:.0%} of the time, {result['samples']} samples "
           f"(mean gap {result['mean_gap']:.0f} ms, max {result['max_gap']:.0f} ms: the page's main thread "
           f"{'was busy' if result['mean_gap'] > 30 else 'kept up'})")
    react = ", ".join(f"{key.replace('_chart', '')} {v['ms'] / max(v['n'], 1):.0f} ms x {v['n']}"
                      for key, v in sorted(browser_work["react"].items()))
    report(f"{label}: browser work",
           f"main thread in long tasks {browser_work['longtask'] / (seconds * 1000):.0%} of the time; "
           f"Plotly.react per frame: {react}")
    if epochs_target is not None:
        epochs = result["epochs_per_s"] or 0.0
        iterations = result["iterations_per_s"] or 0.0
        report(f"{label}: training speed", f"{epochs:.0f} epochs/s ({iterations:.0f} it/s)",
               f">= {epochs_target:.0f} epochs/s (5x TF Playground)", epochs >= epochs_target)
    return result


def browser_measures(args) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: skipping the browser measures")
        return
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: skipping the browser measures")
        return
    with running_streamlit("app.py") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # The first load also warms the server (imports, plotly.js into the browser's cache).
            context, _ = open_page(browser, url)
            context.close()
            for panel_open in (True, False):
                print(f"browser: Step latency, Inside the step {'open' if panel_open else 'closed'}", flush=True)
                step_latency(browser, url, args.steps, panel_open)
            print("browser: playing", flush=True)
            playing(browser, url, "default page", cfg.DEFAULT, args.seconds, args.warmup, None)
            shot = Path(os.environ.get("TMPDIR", "/tmp")) / "neural-playground-benchmark.png"
            for name, config in (("TF default", TF_DEFAULT), ("TF largest", TF_LARGEST)):
                playing(browser, url, name, config.with_changes(speed=1000), args.fast_seconds, args.warmup,
                        5 * TF_EPOCHS_PER_SECOND[name], screenshot=shot if name == "TF default" else None)
            print(f"  screenshot while playing TF default at speed 1000: {shot}")
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="sampling time while playing")
    parser.add_argument("--fast-seconds", type=float, default=15.0,
                        help="sampling time while playing at speed 1000 (reruns are seconds apart)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of playing before sampling")
    parser.add_argument("--steps", type=int, default=20, help="Step clicks to time")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", flush=True)
    report("machine speed now: sum(range(10**7)), median of 5", f"{median_ms(lambda: sum(range(10**7)), 5):.0f} ms",
           "(a reference: when it is slower, so is everything below)")
    print("server, called directly", flush=True)
    server_frame("default network 2-4-2-1", cfg.DEFAULT, 50)
    server_frame("10 x 64 network", BIG, 150)
    for name, config in (("TF default", TF_DEFAULT), ("TF largest", TF_LARGEST)):
        trainer_speed(name, config)
        server_rerun(name, config)
    if not args.skip_browser:
        browser_measures(args)

    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print("\n" + " | ".join(h.ljust(w) for h, w in zip(("measure", "value", "target", ""), widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":
    main()
