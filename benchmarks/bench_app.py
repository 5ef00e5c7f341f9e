"""Speed of the workshop app, printed as `key: value` lines.

Starts `wijkteam app` on a free port, opens it in headless Chromium (Debian's, through
Playwright) at 1280 x 720 and presses run for the default profile (Middenstad, 100,000
residents, two designs, three replications each): the time from the click to the first
drawn figure and to the finished comparison, against `wijkteam compare` doing the same six
runs on the same machine (targets: at most 15 s, at most 1.5 times compare). Then three
other sessions press run at once, and a fourth, idle page and the three running ones answer
language switches: the page's response time while three comparisons share the pool.
Usage: python benchmarks/bench_app.py [--switches N]
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.app.params import best_pair  # noqa: E402
from sim.app.profiles import load_profile  # noqa: E402
from sim.app.server import free_port, launch  # noqa: E402
from sim.app.texts import text  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 60


def open_page(browser, url: str):
    """A fresh session of the app, loaded and ready."""
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(url)
    page.wait_for_selector(".run-button", timeout=120_000)
    return page


def switch(page, lang: str) -> float:
    """Seconds from clicking a language to the page showing it (a round trip); inf past TIMEOUT_S."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    start = time.perf_counter()
    try:
        page.locator(".lang-toggle button").nth(0 if lang == "nl" else 1).click(timeout=TIMEOUT_S * 1000)
        page.locator(".run-button", has_text=text("run", lang)).wait_for(timeout=TIMEOUT_S * 1000)
    except PlaywrightTimeout:
        return math.inf
    return time.perf_counter() - start


def compare_seconds(designs: list[str]) -> float:
    """Seconds `wijkteam compare` takes for the app's comparison (same designs, 3 replications, 2 workers)."""
    out = Path(tempfile.mkdtemp(prefix="bench-app-compare-"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim", "compare", str(ROOT / "scenarios" / "middenstad.toml"),  # noqa: S603
                    "--designs", ",".join(designs), "--replications", "3", "--workers", "2", "--out", str(out),
                    "--quiet"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure and print."""
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--switches", type=int, default=10, help="language switches per page while the runs go")
    args = ap.parse_args()
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-app-")) / "server.log"
    started = time.perf_counter()
    proc = launch(port, log)
    print(f"app_start_s: {time.perf_counter() - started:.2f}")
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = open_page(browser, url)
            start = time.perf_counter()
            page.locator(".run-button").click()
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            print(f"first_figure_after_run_s: {time.perf_counter() - start:.2f}  (middenstad, 100,000 residents; "
                  f"target <= 5)")
            page.wait_for_selector(".audit-table td", timeout=600_000)
            done = time.perf_counter() - start
            print(f"comparison_done_s: {done:.2f}  (2 designs x 3 replications; target <= 15)")
            runners = [open_page(browser, url) for _ in range(3)]
            idle = open_page(browser, url)
            for r in runners:
                r.locator(".run-button").click()
            times = {"idle": [], "running": []}
            for k in range(args.switches):
                lang = "en" if k % 2 == 0 else "nl"
                times["idle"].append(switch(idle, lang))
                times["running"] += [switch(r, lang) for r in runners]
            busy = all(r.locator(".audit-table td").count() == 0 for r in runners)
            for name, values in times.items():
                print(f"response_{name}_page_median_s: {statistics.median(values):.3f}")
                print(f"response_{name}_page_max_s: {max(values):.3f}")
                print(f"response_{name}_page_timeouts: {sum(math.isinf(v) for v in values)} of {len(values)} "
                      f"(no answer within {TIMEOUT_S} s)")
            print(f"runs_still_going_at_end_of_measurement: {busy}")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    alone = compare_seconds(best_pair(load_profile("middenstad")))
    print(f"wijkteam_compare_same_runs_s: {alone:.2f}")
    print(f"app_over_compare: {done / alone:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
