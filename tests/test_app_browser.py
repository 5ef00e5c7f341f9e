"""The workshop app and the report in a real browser (Debian's Chromium through Playwright).

Every page runs with the internet cut off: requests to anything but this machine are
aborted (and recorded, so a test can say what tried to leave). Without Chromium the tests
skip with a message, unless WIJKTEAM_BROWSER_TESTS=required (set by .ci/run), where they
fail. Screenshots go to results/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim.app import worker
from sim.app.params import best_pair
from sim.app.server import free_port, launch
from sim.app.texts import text
from sim.output import manifest, write_run
from sim.report.labels import label
from sim.report.page import fmt
from sim.run import simulate
from sim.scenario import described, load, with_overrides

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "results"
CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("WIJKTEAM_BROWSER_TESTS", "") == "required"
START_SECONDS = 300  # a cold start compiles the kernels
RUN_SECONDS = 180
WEEKS, BURN_IN = 16, 8
LOCAL = ("127.0.0.1", "localhost")


@pytest.fixture(scope="module", autouse=True)
def chromium_present():
    """Skip (or fail where the browser tests are required) without Debian's Chromium or the app's assets."""
    from sim.app.assets import missing

    msg = ""
    if not CHROMIUM.exists():
        msg = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    elif missing():
        msg = f"browser tests need Solara's assets {missing()} (python -m sim.app.assets; make does it)"
    if msg and REQUIRED:
        pytest.fail(msg + "; WIJKTEAM_BROWSER_TESTS=required")
    if msg:
        pytest.skip(msg)


@dataclass
class App:
    """A running `wijkteam app` and its log."""

    url: str
    log_file: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_file.read_text(errors="replace")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`wijkteam app` on a free local port, answering (its workers warm) before the tests start."""
    log_file = tmp_path_factory.mktemp("app") / "server.log"
    port = free_port()
    try:
        proc = launch(port, log_file, START_SECONDS)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield App(f"http://127.0.0.1:{port}/", log_file)
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's build; Playwright never downloads one here), drawing without a GPU process.

    Without --disable-gpu, Chromium composites twenty pages in a software GPU process that
    runs above the app server's priority and takes most of a core.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def offline_context(browser, blocked: list[str]):
    """A browser context in which every request off this machine is aborted (and recorded)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1500, "height": 2200})

    def route(r):
        url = r.request.url
        if urlparse(url).hostname in LOCAL:
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context


def open_app(context, url: str):
    """A new page of the app, loaded and ready."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(".run-button", timeout=60_000)
    return page


def choose(page, css: str, option: str) -> None:
    """Pick an option of a select."""
    page.locator(css).click()
    page.locator(".v-overlay--active").get_by_role("option", name=option, exact=True).click()
    page.locator(".v-overlay--active [role=option]").first.wait_for(state="detached", timeout=10_000)


def set_number(page, css: str, value: int) -> None:
    """Type a number into an input and confirm it, again if the server's re-render of a moment before overwrote it.

    Right after a profile switch the page redraws its settings with the profile's values; on a
    busy machine that redraw can land between clearing the field and typing (20150102103).
    """
    box = page.locator(f"{css} input")
    for _ in range(3):
        box.fill(str(value))
        box.press("Enter")
        page.wait_for_timeout(500)  # a redraw on its way lands now
        if box.input_value() == str(value):
            return
    raise AssertionError(f"{css} would not keep {value}: it shows {box.input_value()}")


def configure(page, seed: int, designs: list[str], replications: int = 3) -> None:
    """The small rural profile, two designs, a short run with the given seed and replications."""
    choose(page, ".select-profile", "kleindorp")
    choose(page, ".select-design-a", designs[0])
    choose(page, ".select-design-b", designs[1])
    set_number(page, ".input-weeks", WEEKS)
    set_number(page, ".input-burn-in", BURN_IN)
    set_number(page, ".input-seed", seed)
    thumb = page.locator(".replications [role=slider]")
    for _ in range(abs(replications - int(thumb.get_attribute("aria-valuenow")))):
        thumb.press("ArrowLeft" if replications < int(thumb.get_attribute("aria-valuenow")) else "ArrowRight")
    page.wait_for_function(f"() => document.querySelector('.replications [role=slider]')"
                           f".getAttribute('aria-valuenow') == '{replications}'", timeout=10_000)


def wait_finished(page) -> None:
    """Wait until the comparison has finished (the audit shows) and every graph has drawn."""
    page.wait_for_selector(".audit-table td", timeout=RUN_SECONDS * 1000)
    page.wait_for_selector(".run-button:not([disabled])", timeout=60_000)
    page.wait_for_function("() => { const g = document.querySelectorAll('.js-plotly-plot');"
                           " return g.length >= 5 && [...g].every(e => e.querySelector('.main-svg')); }",
                           timeout=60_000)


def test_compare_switch_language_download_and_upload(app, browser, rural, tmp_path):
    blocked: list[str] = []
    page = open_app(offline_context(browser, blocked), app.url)
    designs = best_pair(rural)
    configure(page, 4242, designs)
    page.locator(".run-button").click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=RUN_SECONDS * 1000)
    wait_finished(page)
    verdicts = {label(v, "nl") for v in ("holds", "fails", "inconclusive")}
    cells = page.locator(".audit-table tr td:last-child").all_inner_texts()
    assert cells and set(cells) <= verdicts
    assert page.locator(".run-log-line").all_inner_texts() == [
        f"#1 Kleindorp: {' vs '.join(designs)}, {WEEKS} weken (+{BURN_IN} inloop), 3 herhalingen, startgetal 4242"]
    assert page.get_by_text(text("download_report", "nl")).count() == 1  # there once the run is done
    assert "runs on Solara" not in page.content()  # no English banner on the Dutch page
    chosen = [page.locator(".design-description").nth(k).inner_text() for k in (0, 1)]
    assert chosen == [described(rural.designs[d], "nl") for d in designs]  # what each design is, in Dutch
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "app-nl.png"))

    page.locator(".lang-toggle button").nth(1).click()
    page.get_by_text(label("section_audit", "en")).wait_for(timeout=30_000)
    assert page.get_by_text(text("design_a", "en")).count() >= 1
    assert set(page.locator(".audit-table tr td:last-child").all_inner_texts()) <= {
        label(v, "en") for v in ("holds", "fails", "inconclusive")}
    page.screenshot(path=str(SHOTS / "app-en.png"))

    with page.expect_download() as report:
        page.get_by_text(text("download_report", "en")).click()
    report_file = tmp_path / report.value.suggested_filename
    report.value.save_as(report_file)
    html = report_file.read_text(encoding="utf-8")
    assert report_file.suffix == ".html" and all(d in html for d in designs)
    assert "plotly" in html.lower() and escape(label("section_audit", "en")) in html

    with page.expect_download() as scenario_download:
        page.get_by_text(text("download_scenario", "en")).click()
    scenario_file = tmp_path / scenario_download.value.suggested_filename
    scenario_download.value.save_as(scenario_file)
    on_screen = load(scenario_file)
    assert (on_screen.meta.weeks, on_screen.meta.burn_in_weeks, on_screen.meta.seed) == (WEEKS, BURN_IN, 4242)
    assert on_screen.designs == rural.designs
    written = scenario_file.read_text(encoding="utf-8")
    assert written.count("assumption:") >= (ROOT / "scenarios" / "kleindorp.toml").read_text().count("assumption:")
    assert f"seed = 4242 # changed in the workshop (file: {rural.meta.seed})" in written
    page.locator(".upload input[type=file]").set_input_files(str(scenario_file))  # back in: the same comparison
    page.get_by_text(text("upload_ok", "en").format(scenario_file.name)).wait_for(timeout=30_000)
    assert page.locator(".select-design-b").inner_text().endswith(designs[1])
    assert page.locator(".input-seed input").input_value() == "4242"

    bad = tmp_path / "te-weinig-personeel.toml"
    bad.write_text(re.sub(r"fte_per_10k = [0-9.]+", "fte_per_10k = -1.0", written, count=1), encoding="utf-8")
    page.locator(".upload input[type=file]").set_input_files(str(bad))
    problem = page.locator(".problems")
    problem.wait_for(timeout=30_000)
    assert "te-weinig-personeel.toml" in problem.inner_text() and "fte_per_10k" in problem.inner_text()
    assert "allowed range" in problem.inner_text()
    page.screenshot(path=str(SHOTS / "app-upload-error.png"))
    assert blocked == [], f"the page tried to reach the internet: {blocked}"
    assert "Could not load URL" not in app.log(), "the server tried to fetch an asset from a CDN"


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('.wt-results *, .wt-bar *, .wt-settings *')]
    .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
    .map((e) => `${e.tagName}.${e.className.baseVal ?? e.className}`);
}"""


def test_projector_layout_url_round_trip_and_english_labels(app, browser, rural):
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(app.url)
    page.wait_for_selector(".run-button", timeout=60_000)
    designs = best_pair(rural)[::-1]
    configure(page, 77, designs, replications=2)
    page.get_by_text(text("municipality", "nl")).click()  # a decimal in Dutch: written and read with a comma
    field = page.locator(".wt-param-input input").first
    assert field.input_value() == fmt(rural.residents.help_seeking_mean, "nl") and "," in fmt(0.5, "nl")
    field.fill("1,2")
    field.press("Enter")
    page.wait_for_function("() => location.search.includes('residents.help_seeking_mean=1.2')", timeout=10_000)
    page.locator(".lang-toggle button").nth(1).click()
    page.locator(".run-button", has_text=text("run", "en")).click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=RUN_SECONDS * 1000)
    assert page.locator(".run-button").is_visible() and page.locator(".wt-status").is_visible()
    wait_finished(page)
    page.locator(".run-log-line").scroll_into_view_if_needed()  # the bottom of the results: the bar stays
    assert page.locator(".run-button").bounding_box()["y"] >= 0 and page.locator(".run-button").is_visible()
    assert page.evaluate(OVERFLOW) == [], "an element runs off the right of a 1280 x 720 screen"
    page.screenshot(path=str(SHOTS / "app-1280x720.png"))
    # English page: no Dutch outcome, heading or flow label in the results
    shown = page.locator(".wt-results").inner_text() + page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot text')].map((t) => t.textContent).join(' ')")
    dutch = {label(k, "nl") for k in [*worker.HEADLINES[:-1], *worker.GRID, *worker.SERIES, "section_flows",
                                      "section_audit", "holds", "fails", "inconclusive"]} - {
        label(k, "en") for k in [*worker.HEADLINES[:-1], *worker.GRID, *worker.SERIES]}
    assert [d for d in dutch if d in shown] == []
    # the URL holds the comparison: a fresh page opened on it shows the same settings
    url = page.url
    assert "seed=77" in url and "lang=en" in url and f"a={designs[0]}" in url
    other = context.new_page()
    other.goto(url)
    other.wait_for_selector(".run-button", timeout=60_000)
    other.locator(".run-button", has_text=text("run", "en")).wait_for(timeout=30_000)
    assert other.locator(".select-design-a").inner_text().endswith(designs[0])
    assert other.locator(".select-design-b").inner_text().endswith(designs[1])
    assert [other.locator(f"{css} input").input_value() for css in (".input-weeks", ".input-burn-in", ".input-seed")] \
        == [str(WEEKS), str(BURN_IN), "77"]
    assert other.url == url
    assert blocked == []
    context.close()


def test_report_renders_its_graphs_offline(browser, rural, tmp_path):
    from sim.report import write

    scenario = with_overrides(rural, **{"meta.weeks": 12, "meta.burn_in_weeks": 4})
    for design in best_pair(scenario):
        result = simulate(scenario, design=design, seed=7)
        files = ["neighbourhood_weekly.parquet", "weekly_totals.parquet", "cases.parquet", "summary.parquet"]
        write_run(tmp_path / "runs" / design, result.by_neighbourhood, result.totals, result.cases,
                  manifest(scenario, design, 7, files, {"weeks": 12, "burn_in_weeks": 4}))
    report = write(tmp_path / "runs")
    blocked: list[str] = []
    context = browser.new_context(offline=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                  else (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    graphs = page.locator(".plotly-graph-div")
    page.wait_for_function("() => { const g = document.querySelectorAll('.plotly-graph-div');"
                           " return g.length > 0 && [...g].every(e => e.querySelector('.main-svg')); }",
                           timeout=60_000)
    assert graphs.count() >= 3
    assert page.locator(".plotly-graph-div .sankey").count() >= 1
    assert errors == [] and blocked == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-offline.png"))
    context.close()


def round_trip(page, lang: str) -> float:
    """Seconds for the server to answer a language switch on this page."""
    start = time.monotonic()
    page.locator(".lang-toggle button").nth(0 if lang == "nl" else 1).click()
    page.locator(".run-button", has_text=text("run", lang)).wait_for(timeout=60_000)
    return time.monotonic() - start


def test_twenty_sessions_keep_their_own_runs_and_stay_responsive(app, browser, rural):
    blocked: list[str] = []
    contexts = [offline_context(browser, blocked) for _ in range(20)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.goto(app.url, wait_until="commit")
    for page in pages:
        page.wait_for_selector(".run-button", timeout=120_000)
    designs = best_pair(rural)
    runners = {101: pages[0], 102: pages[7], 103: pages[14]}
    for seed, page in runners.items():
        configure(page, seed, designs, replications=2)
    for page in runners.values():
        page.locator(".run-button").click()
    latencies = [round_trip(page, "en") for page in pages]  # while the three comparisons run
    assert any(p.get_by_text(text("running", "en").split(":")[0]).count() for p in runners.values()) or all(
        p.locator(".audit-table").count() for p in runners.values()), "the runs never showed progress"
    for page in runners.values():
        wait_finished(page)
    print(f"\nlanguage switch round trip on 20 pages while 3 comparisons ran: median "
          f"{sorted(latencies)[len(latencies) // 2]:.2f} s, max {max(latencies):.2f} s; per page (runners 0, 7, 14): "
          f"{[round(x, 1) for x in latencies]}")
    assert max(latencies) < 20, f"a page took {max(latencies):.1f} s to answer"
    for seed, page in runners.items():
        lines = page.locator(".run-log-line").all_inner_texts()
        assert len(lines) == 1 and lines[0].endswith(f"2 replications, seed {seed}"), lines
    for page in pages:
        if page not in runners.values():
            assert page.locator(".run-log-line").count() == 0
            assert page.locator(".js-plotly-plot").count() == 0
    pages[0].screenshot(path=str(SHOTS / "app-session-1-of-20.png"))
    assert blocked == []
    for c in contexts:
        c.close()


def test_an_uploaded_municipality_with_other_designs_runs_and_shows_its_change(app, browser, rural, tmp_path):
    """Upload a scenario whose designs the page's pair (middenstad's) does not have; its own pair is shown.

    The page once kept the old pair: the profile's switch re-rendered the settings into another
    shape, which remounted the upload and cancelled the thread that was still setting the designs.
    """
    import tomli_w

    data = with_overrides(rural, **{"meta.weeks": 40, "meta.burn_in_weeks": BURN_IN}).model_dump(
        mode="json", exclude_none=True)
    data["changes"] = [{"week": 20, "path": "specialists.ggz.places_per_10k", "value": 2.0,
                        "note": "half the GGZ places"}]
    upload = tmp_path / "eigen-gemeente.toml"
    upload.write_text(tomli_w.dumps(data), encoding="utf-8")
    page = open_app(offline_context(browser, []), app.url)
    assert page.locator(".select-profile").inner_text().endswith("middenstad")
    page.locator(".upload input[type=file]").set_input_files(str(upload))
    page.get_by_text(text("upload_ok", "nl").format(upload.name)).wait_for(timeout=30_000)
    expected = best_pair(rural)
    page.wait_for_function(f"() => document.querySelector('.select-design-b').innerText.endsWith('{expected[1]}')",
                           timeout=30_000)
    assert page.locator(".select-design-a").inner_text().endswith(expected[0])
    set_number(page, ".param-changes-0-week .wt-param-input", 24)  # the change's week, moved on the page
    page.wait_for_function("() => decodeURIComponent(location.href).includes('changes.0.week')", timeout=30_000)
    page.locator(".run-button").click()
    wait_finished(page)
    assert page.locator(".js-plotly-plot .shapelayer path").count() >= 1  # the change's dashed line
    page.screenshot(path=str(SHOTS / "app-upload-change.png"))
