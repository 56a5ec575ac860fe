"""A class at once: K visitors playing the default page on one server, in real browsers.

Not a test: run it by hand on the machine you want numbers for, and read the table.

    python benchmarks/load.py [--players 1,2,4,8] [--seconds 10] [--warmup 3] [--steps 10] [--protocol]
                              [--server-arg=--runner.postScriptGC=false ...] [--url URL --pid PID ...]
    python benchmarks/load.py --soak [--sessions 100] [--session-seconds 10] [--parallel 4]

For each K it starts (or, with ``--url``, uses) the server, opens K browser sessions
(Playwright, Debian's Chromium, one browser context each) that all play, and reports over
``--seconds``:

* the server's CPU, in cores busy (CPU seconds / wall seconds of the server process: with
  ``--url``, of the processes given by ``--pid``), and its resident memory (RSS);
* each player's iterations/s (from the Iteration counter) and region frames/s (new pictures
  the decision-regions chart drew, its ``data-frames-drawn``), as median and minimum over players;
* then, while they go on playing, one extra visitor's Step latency (click to counter and
  every chart updated, median and worst of ``--steps``), after the window measured above;
* the clients' own CPU (all Chromium processes), because on a small machine the browsers,
  not the server, can be what limits the players.

With ``--protocol`` the K players are not browsers but ``benchmarks/protocol_player.py``:
they send the server what a browser's Streamlit client sends while its visitor plays (the
same reruns, so the same frames and messages) and draw nothing, so the server's share is
measured without K Chromiums on the same cores. The extra visitor is still a real browser;
the clients' CPU then includes this script (the protocol players run in it).

``--soak`` opens and closes ``--sessions`` sessions, each playing ``--session-seconds``,
``--parallel`` at a time, and reports the server's memory before (once one visitor has played:
a fresh process's first visitor also pays for shared imports and caches), right after, and once
Streamlit's disconnected-session time-out (``server.disconnectedSessionTTL``) has passed
(one more short visit then lets Streamlit drop the expired sessions); then the memory one
session adds while playing the largest network the page allows.

Everything runs on loopback, with a bounded number of sessions and a bounded time.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

import psutil

from benchmarks.app import REGIONS, SAMPLER, STEP_LATENCY, open_page, summarise
from benchmarks.protocol_player import ProtocolClass
from playground.training import config as cfg
from testkit.local_server import CHROMIUM, CHROMIUM_ARGS, IDLE, button, running_streamlit

MB = 1024 * 1024
#: The page's sampler runs every this many ms in each player (frames are counted by the
#: chart itself, so a coarse period only makes the counters' rates coarser, not wrong).
SAMPLE_PERIOD_MS = 100
LARGEST = cfg.DEFAULT.with_changes(hidden_layers=(cfg.MAX_NEURONS,) * cfg.MAX_HIDDEN_LAYERS)
#: Streamlit's default ``server.disconnectedSessionTTL`` (seconds), unless a server flag sets it.
DEFAULT_SESSION_TTL = 120
#: Each player's (iterations/s, region frames/s or None when nothing was drawn) over the
#: measuring window; None while the players are only warmed up.
Window = list[tuple[float, float | None]] | None


@dataclass
class CpuMeter:
    """CPU seconds used by a set of processes between ``start`` and ``stop``."""

    processes: list[psutil.Process]

    def total(self) -> float:
        used = 0.0
        for process in self.processes:
            try:
                times = process.cpu_times()
                used += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return used

    def start(self) -> None:
        self.began, self.wall = self.total(), time.monotonic()

    def cores(self) -> float:
        return (self.total() - self.began) / (time.monotonic() - self.wall)


def listener(url: str) -> psutil.Process:
    """The process listening on the URL's port (the Streamlit server started here)."""
    port = urlparse(url).port
    for connection in psutil.net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
            return psutil.Process(connection.pid)
    raise RuntimeError(f"no process listens on port {port}")


def chromium_processes() -> list[psutil.Process]:
    """Every Chromium process started by this script (the browser, its renderers, its GPU process)."""
    return [p for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()]


def rss_mb(processes: list[psutil.Process]) -> float:
    return sum(p.memory_info().rss for p in processes if p.is_running()) / MB


def start_playing(browser, url: str, query: str = ""):
    context, page = open_page(browser, f"{url}/{query}")
    button(page, "Play").click()
    button(page, "Pause").wait_for(timeout=60_000)
    return context, page


def start_sampler(page, seconds: float) -> None:
    """Run the page's sampler in the background (results in ``window.__npLoad``)."""
    page.evaluate(f"(args) => {{ window.__npLoad = undefined; ({SAMPLER})(args).then(s => window.__npLoad = s); }}",
                  [seconds, SAMPLE_PERIOD_MS, REGIONS])


def read_sampler(page, seconds: float) -> dict[str, float]:
    page.wait_for_function("() => window.__npLoad !== undefined", timeout=(seconds + 60) * 1000)
    return summarise(page.evaluate("() => window.__npLoad"))


def step_latencies(browser, url: str, steps: int) -> list[float]:
    context, page = open_page(browser, url)
    times = []
    try:
        for _ in range(steps):
            times.append(page.evaluate(STEP_LATENCY))
            page.wait_for_selector(IDLE, timeout=60_000)
            page.wait_for_timeout(200)
    finally:
        context.close()
    return times


def browser_players(browser, url: str, players: int, args) -> Iterator[Window]:
    """K real browsers playing: yields once they are warmed up, then each one's
    (iterations/s, region frames/s) over the measuring window."""
    sessions = [start_playing(browser, url) for _ in range(players)]
    try:
        time.sleep(args.warmup)
        yield
        for _, page in sessions:
            start_sampler(page, args.seconds)
        results = [read_sampler(page, args.seconds) for _, page in sessions]
        yield [(r["iterations_per_s"] or 0.0, r["drawn_fps"]) for r in results]
    finally:
        for context, _ in sessions:
            context.close()


def protocol_players(url: str, players: int, args) -> Iterator[Window]:
    """K protocol players (``benchmarks/protocol_player.py``, no drawing): yields once they are
    warmed up, then each one's (iterations/s, None) over the measuring window."""
    crowd = ProtocolClass(url, players)
    crowd.start()
    try:
        time.sleep(args.warmup)
        yield
        began = crowd.seconds()
        time.sleep(args.seconds)
        ended = crowd.seconds()
        for record in crowd.records:
            if record.error:
                raise RuntimeError(f"a protocol player failed: {record.error}")
        yield [(record.rate(began, ended) or 0.0, None) for record in crowd.records]
    finally:
        crowd.stop()


def one_load(browser, url: str, server: list[psutil.Process], players: int, args) -> dict[str, str]:
    """K players playing, one extra visitor stepping: the row of the table for K."""
    crowd = protocol_players(url, players, args) if args.protocol else browser_players(browser, url, players, args)
    try:
        next(crowd)                                     # everyone plays, warmed up
        clients = chromium_processes() + ([psutil.Process()] if args.protocol else [])
        server_cpu, client_cpu = CpuMeter(server), CpuMeter(clients)
        server_cpu.start()
        client_cpu.start()
        results = next(crowd)                           # the measuring window
        cores, client_cores = server_cpu.cores(), client_cpu.cores()
        memory = rss_mb(server)
        # After the players' window, so that its figures are the players' alone.
        steps = step_latencies(browser, url, args.steps) if args.steps else []
    finally:
        crowd.close()
    iterations = [rate for rate, _ in results]
    frames = [drawn for _, drawn in results if drawn is not None]
    return {
        "players": f"{players}{' (protocol)' if args.protocol else ''}",
        "server cores": f"{cores:.3f}",
        "server RSS": f"{memory:.0f} MB",
        "iterations/s per player (median, min)": f"{statistics.median(iterations):.1f}, {min(iterations):.1f}",
        "region frames/s per player (median, min)": (f"{statistics.median(frames):.1f}, {min(frames):.1f}"
                                                     if frames else "not drawn"),
        "extra visitor's Step (median, worst)": (f"{statistics.median(steps):.0f}, {max(steps):.0f} ms"
                                                 if steps else "-"),
        "clients' cores": f"{client_cores:.2f}",
    }


def print_table(rows: list[dict[str, str]]) -> None:
    headers = list(rows[0])
    print("\n| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(row[h] for h in headers) + " |", flush=True)


def session_ttl(server_args: list[str]) -> int:
    for flag in server_args:
        if flag.startswith("--server.disconnectedSessionTTL="):
            return int(flag.split("=", 1)[1])
    return DEFAULT_SESSION_TTL


def soak(browser, url: str, server: list[psutil.Process], args) -> None:
    # The baseline is a process that has served one visitor like the soak's: a fresh process's
    # first visitor also pays for what every later one shares (imports of the drawing and JSON
    # code paths, caches), which is not growth per session.
    started_rss = rss_mb(server)
    context, _ = start_playing(browser, url)
    time.sleep(args.session_seconds)
    context.close()
    time.sleep(2)
    before = rss_mb(server)
    print(f"soak: {args.sessions} sessions, each playing {args.session_seconds:g} s, {args.parallel} at a time; "
          f"server RSS {started_rss:.0f} MB when started, {before:.0f} MB after one visitor played", flush=True)
    started = time.monotonic()
    opened = 0
    while opened < args.sessions:
        batch = [start_playing(browser, url) for _ in range(min(args.parallel, args.sessions - opened))]
        opened += len(batch)
        time.sleep(args.session_seconds)
        for context, _ in batch:
            context.close()
        if opened % 20 == 0 or opened == args.sessions:
            print(f"  {opened} sessions done, server RSS {rss_mb(server):.0f} MB", flush=True)
    right_after = rss_mb(server)
    ttl = session_ttl(args.server_arg)
    wait = ttl + 15
    print(f"  waiting {wait} s (disconnected-session time-out {ttl} s, plus 15)", flush=True)
    time.sleep(wait)
    # Expired sessions are dropped when Streamlit's session store is next used: one short visit.
    context, _ = open_page(browser, url)
    context.close()
    time.sleep(5)
    after_ttl = rss_mb(server)
    rows = [{
        "sessions": str(args.sessions), "each playing": f"{args.session_seconds:g} s",
        "RSS when started": f"{started_rss:.0f} MB", "after one visitor (before)": f"{before:.0f} MB",
        "right after the last closed": f"{right_after:.0f} MB",
        "after the time-out": f"{after_ttl:.0f} MB", "growth": f"{after_ttl - before:+.0f} MB (target <= 50)",
        "took": f"{time.monotonic() - started:.0f} s",
    }]
    print_table(rows)
    idle = rss_mb(server)
    query = "?" + urlencode(LARGEST.to_query())
    context, _ = start_playing(browser, url, query)
    time.sleep(args.session_seconds)
    playing = rss_mb(server)
    context.close()
    layers = f"{cfg.MAX_HIDDEN_LAYERS} x {cfg.MAX_NEURONS}"
    print_table([{"one session playing the largest network": layers, "RSS before": f"{idle:.0f} MB",
                  f"after {args.session_seconds:g} s playing": f"{playing:.0f} MB",
                  "added": f"{playing - idle:+.0f} MB (target <= 50)"}])


def run(args, url: str, server: list[psutil.Process]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            if args.soak:
                soak(browser, url, server, args)
                return
            context, _ = open_page(browser, url)        # warms the server and the browser's cache
            context.close()
            rows = []
            for players in args.players:
                print(f"{players} playing ...", flush=True)
                rows.append(one_load(browser, url, server, players, args))
                print_table(rows[-1:])
            print_table(rows)
        finally:
            browser.close()


def players_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers") from None
    if not values or any(not 1 <= value <= 16 for value in values):
        raise argparse.ArgumentTypeError("each number of players must be 1 to 16")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=players_list, default=[1, 2, 4, 8], help="numbers of players, e.g. 1,2,4")
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time for each number of players")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of playing before measuring")
    parser.add_argument("--steps", type=int, default=10, help="Step clicks of the extra visitor (0: none)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="a flag for streamlit run, e.g. --server-arg=--runner.postScriptGC=false (repeat)")
    parser.add_argument("--url", help="use this running server or proxy instead of starting one (loopback only)")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="with --url: a server process to measure (repeat; default: none measured)")
    parser.add_argument("--protocol", action="store_true",
                        help="players speak Streamlit's websocket protocol and draw nothing (the extra visitor "
                             "is still a browser): the server's share without K browsers on the same cores")
    parser.add_argument("--soak", action="store_true", help="the memory soak instead of the load table")
    parser.add_argument("--sessions", type=int, default=100, help="soak: sessions to open and close (at most 200)")
    parser.add_argument("--session-seconds", type=float, default=10.0, help="soak: playing time of each session")
    parser.add_argument("--parallel", type=int, default=4, help="soak: sessions open at a time (1 to 8)")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200 or not 1 <= args.parallel <= 8 or not 0 < args.session_seconds <= 60:
        parser.error("--sessions must be 1 to 200, --parallel 1 to 8, --session-seconds up to 60")
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must be a loopback address (this benchmark loads the server hard)")
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} is missing (Debian: apt-get install chromium)")
    print(f"machine: {os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}; "
          f"server flags: {' '.join(args.server_arg) or 'none'}", flush=True)
    if args.url:
        run(args, args.url.rstrip("/"), [psutil.Process(pid) for pid in args.pid])
        return
    with running_streamlit("app.py", server_args=args.server_arg) as url:
        run(args, url, [listener(url)])


if __name__ == "__main__":
    main()
