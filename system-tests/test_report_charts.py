"""The reports' charts (docs/site.md, "Report charts"), the daily mail that
carries them as PNG parts, the feed of complete reports, byte-identical
builds and the one-day rerun that renders only the reports whose inputs
changed ("Publishing: releases and the atomic swap").

The sites come from `sentinel-gen demo` (90 days, version 2 snapshots with
hourly figures), from bench/generate_snapshots.py (version 1 snapshots,
as scripts/bench-build makes them) and, for the mail, from `sentinel-gen
run` on a private redis-server with a stand-in sendmail. Headless Chromium
opens the report pages at a phone's and a desktop's width; the pictures go
to docs/screenshots/report-*.png and mail-*.png.

Run from the repository root (after `swift build`, or with SENTINEL_GEN set)::

    python3 -m unittest discover -s system-tests -p 'test_report_charts.py' -v
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import support

TEMPLATES = str(support.REPO_ROOT / "site-template")
# Where the screenshots go: a folder of the run's own (scripts/screenshot
# makes the ones committed in docs/screenshots), or SENTINEL_SCREENSHOTS.
SCREENSHOTS = Path(os.environ.get("SENTINEL_SCREENSHOTS") or tempfile.mkdtemp(prefix="sentinel-shots-"))
if not os.environ.get("SENTINEL_SCREENSHOTS"):
    import atexit
    atexit.register(shutil.rmtree, SCREENSHOTS, True)
SVG = "{http://www.w3.org/2000/svg}"
ATOM = {"a": "http://www.w3.org/2005/Atom"}

DEMO_NOW = "2026-11-25T07:00:00Z"   # 08:00 in Paris, a Wednesday: day, week and month in progress
DEMO_DAILY, DEMO_WEEKLY, DEMO_MONTHLY = "2026-11-24", "2026-W47", "2026-10"   # complete reports of the demo
# Version 1 snapshots ending on a Monday in progress: its week 2026-W44 and month 2026-10 just ended.
V1_DAYS, V1_END, V1_NOW = 40, date(2026, 11, 2), "2026-11-02T09:00:00Z"
# The one-day rerun, as scripts/bench-build makes it (fewer days).
BENCH_DAYS, BENCH_END = 120, date(2026, 11, 25)
BENCH_NOW, BENCH_NEXT_NOW = "2026-11-25T09:00:00Z", "2026-11-26T09:00:00Z"
BENCH_CONFIG = 'timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n[exchange_rates]\nUSD = "0.92"\n'

CHART_KINDS = {"daily": ("hours", "activity", "revenue"), "weekly": ("activity", "movements"),
               "monthly": ("activity", "movements")}
REPORT_NAME = {"daily": r"\d{4}-\d\d-\d\d", "weekly": r"\d{4}-W\d\d", "monthly": r"\d{4}-\d\d"}
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
RENDERED = re.compile(r"^\[2/3\] rendered ([\d,]+) reports(?: \(([\d,]+) unchanged since the last build\))?", re.M)
PUBLISHED = re.compile(r"^\[3/3\] published .* -> .*: ([\d,]+) files written, ([\d,]+) unchanged", re.M)

WORK = ""
DEMO = V1 = None   # Site objects, made once by setUpModule


# ---------------------------------------------------------------- helpers

def sentinel(*args: str, timeout: float = 120, env: "dict | None" = None) -> support.Finished:
    return support.run_bounded([support.sentinel_gen(), *args], timeout=timeout, env=env)


def build(state: str, output: str, now: str, config: "str | None" = None) -> support.Finished:
    args = ["build", "--state", state, "--output", output, "--now", now, "--templates", TEMPLATES]
    result = sentinel(*args, *(["--config", config] if config else []))
    if result.returncode != 0:
        raise AssertionError(f"build into {output} failed: {result}")
    return result


def generate_snapshots(state: str, days: int, end: date) -> None:
    made = support.run_bounded([sys.executable, support.REPO_ROOT / "bench/generate_snapshots.py", "--days", str(days),
                                "--end", end.isoformat(), state], timeout=60)
    if made.returncode != 0:
        raise RuntimeError(f"generate_snapshots.py failed: {made}")


def add_a_day(state: str) -> str:
    """What scripts/bench-build does: the last snapshot is marked complete,
    and a copy of it is the next day, in progress. Returns the new day."""
    folder = Path(state, "snapshots")
    last = sorted(folder.glob("*.json"))[-1]
    data = json.loads(last.read_text("utf-8"))
    data["status"] = "complete"
    last.write_text(json.dumps(data, indent=2), "utf-8")
    data["date"] = (date.fromisoformat(data["date"]) + timedelta(days=1)).isoformat()
    data["status"] = "partial"
    Path(folder, f"{data['date']}.json").write_text(json.dumps(data, indent=2), "utf-8")
    return data["date"]


def tree(output: str) -> "dict[str, bytes]":
    """Relative path -> bytes of every file of the site `output` points at."""
    root = Path(output).resolve()
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def rendered(result: support.Finished) -> "tuple[int, int]":
    """(N, M) of `[2/3] rendered N reports (M unchanged since the last build)`; M is 0 when absent."""
    found = RENDERED.findall(result.stderr)
    if len(found) != 1:
        raise AssertionError(f"no single '[2/3] rendered N reports' line in {result.stderr!r}")
    count, unchanged = found[0]
    return int(count.replace(",", "")), int(unchanged.replace(",", "") or 0)


def published(result: support.Finished) -> "tuple[int, int]":
    """(K written, unchanged) of `[3/3] published OUT -> RELEASE: K files written, U unchanged`."""
    found = PUBLISHED.findall(result.stderr)
    if len(found) != 1:
        raise AssertionError(f"no single '[3/3] published ... files written' line in {result.stderr!r}")
    return int(found[0][0].replace(",", "")), int(found[0][1].replace(",", ""))


def record(output: str) -> Path:
    """OUTPUT.releases/<build-id>.pages of the release `output` points at."""
    release = Path(output).resolve()
    return release.parent / f"{release.name}.pages"


def record_rows(release: Path) -> "dict[str, list[tuple[str, int, int]]]":
    """Path -> [(inputs, offset, length)] of the `rows` lines of a release's record."""
    rows = {}
    for line in Path(release.parent, f"{release.name}.pages").read_text("utf-8").splitlines():
        if line.startswith("rows\t"):
            fields = line.split("\t")
            rows[fields[1]] = [(fields[i], int(fields[i + 1]), int(fields[i + 2])) for i in range(2, len(fields), 3)]
    return rows


ROW_FILES = ["api/users.json", "api/revenue.json", "api/engagement.json", "api/costs.json", "data/metrics.csv",
             "data/commands.csv", "data/api_costs.csv", "data/acquisition.csv", "data/rejections.csv"]


def record_files(output: str) -> "set[str]":
    """The files the page record of `output`'s release lists."""
    return {line.split("\t")[1] for line in record(output).read_text("utf-8").splitlines() if line.startswith("file\t")}


def ink(path: str) -> "tuple[int, int, int, float]":
    """Width, height, distinct colours and the share of pixels that are not
    the background of a PNG (sampled every 4th pixel)."""
    width, height, rows = support.png_pixels(path)
    sample = [pixel for row in rows[::4] for pixel in row[::4]]
    counts: dict = {}
    for pixel in sample:
        counts[pixel] = counts.get(pixel, 0) + 1
    background = max(counts, key=counts.get)
    return width, height, len(counts), 1 - counts[background] / len(sample)


def money(amount: "str | Decimal", symbol: str = "€") -> str:
    """docs/site.md's money rule for amounts that do not round to 0.00."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{'−' if value < 0 else ''}{symbol}{abs(value):,}"


def change(amount: Decimal, symbol: str = "€") -> str:
    value = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return "±0" if value == 0 else ("+" if value > 0 else "−") + f"{symbol}{abs(value):,}"


class Site:
    """A built site: its state, its output symlink and resolved root."""

    def __init__(self, state: str, output: str) -> None:
        self.state, self.output = state, output
        self.root = Path(output).resolve()
        self.snapshots = {path.stem: json.loads(path.read_text("utf-8"))
                          for path in sorted(Path(state, "snapshots").glob("*.json"))}

    def reports(self, kind: str) -> "list[Path]":
        return sorted(Path(self.root, "reports", kind).glob("*.md"))


# ------------------------------------------------------------ the browser

MEASURE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
{frames}
<pre id="measured">pending</pre>
<script>
window.addEventListener("load", function () {{
  var out = [];
  Array.prototype.forEach.call(document.querySelectorAll("iframe"), function (frame) {{
    var entry = {{page: frame.getAttribute("src")}};
    try {{
      var w = frame.contentWindow, d = w.document;
      entry.innerWidth = w.innerWidth;
      entry.scrollWidth = d.documentElement.scrollWidth;
      entry.title = d.title;
      entry.images = Array.prototype.map.call(d.images, function (img) {{
        var box = img.getBoundingClientRect();
        return {{src: img.getAttribute("src"), complete: img.complete, naturalWidth: img.naturalWidth,
                left: box.left, right: box.right, width: box.width}};
      }});
    }} catch (error) {{ entry.error = String(error); }}
    out.push(entry);
  }});
  document.getElementById("measured").textContent = JSON.stringify(out);
}});
</script></body></html>
"""


def problems_in_log(log: str) -> "list[str]":
    """What Chromium logged against the pages: script errors, CSP violations
    (support.console_errors), and resources that failed to load (headless
    Chromium logs no line for a missing image: naturalWidth shows it)."""
    found = support.console_errors(log)
    found += [line for line in log.splitlines() if "CONSOLE" in line and "Failed to load resource" in line
              and line not in found]
    return found


def measure(server: support.HTTPServer, root: str, pages: "list[str]", width: int, height: int = 1400) -> "tuple[list, str]":
    """Opens `pages` (paths under the served `root`) in iframes `width` px
    wide (headless Chromium lays a window out at least 500 px wide, so a
    phone is an iframe, as scripts/screenshot does), from one page of the
    same origin that reads their layout once everything has loaded.
    Returns one dict per page and Chromium's log."""
    frames = "\n".join(f'<iframe src="{page}" width="{width}" height="{height}" style="border:0;display:block"></iframe>'
                       for page in pages)
    name = f"measure-{width}-{abs(hash(tuple(pages)))}.html"
    Path(root, name).write_text(MEASURE.format(frames=frames), "utf-8")
    dom, log = support.chromium(f"http://127.0.0.1:{server.port}/{name}", size=f"{max(width, 500)},{height}")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    if not found or found.group(1) == "pending":
        raise AssertionError(f"the measuring page did not finish:\n{dom[-1500:]}\n{log[-2000:]}")
    return json.loads(html.unescape(found.group(1))), log


def screenshot(url: str, path: Path, width: int, height: int, folder: str, base: "str | None" = None) -> str:
    """A picture of `url` at `width` x `height`; returns Chromium's log. A
    phone's width is an iframe that the picture crops to (as
    scripts/screenshot does), written into `folder`, which `base` serves
    (None: opened from file://)."""
    if width < 500:
        wrapper = Path(folder, f"phone-{path.stem}.html")
        wrapper.write_text(f'<!DOCTYPE html><body style="margin:0"><iframe src="{html.escape(url)}" width="{width}" '
                           f'height="{height}" style="border:0;display:block"></iframe>', "utf-8")
        url = f"{base}/{wrapper.name}" if base else wrapper.as_uri()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    _, log = support.chromium(url, screenshot=str(path), size=f"{width},{height}")
    return log


# ------------------------------------------------------------ the fixtures

def setUpModule() -> None:  # noqa: N802 - unittest's name
    global WORK, DEMO, V1
    WORK = tempfile.mkdtemp(prefix="sentinel-report-charts-")
    demo = sentinel("demo", "--now", DEMO_NOW, "--state", f"{WORK}/demo/state", "--output", f"{WORK}/demo/site",
                    "--templates", TEMPLATES, "--quiet", timeout=120)
    if demo.returncode != 0:
        raise RuntimeError(f"sentinel-gen demo failed: {demo}")
    DEMO = Site(f"{WORK}/demo/state", f"{WORK}/demo/site")
    generate_snapshots(f"{WORK}/v1/state", V1_DAYS, V1_END)
    Path(WORK, "v1/sentinel.toml").write_text(BENCH_CONFIG, "utf-8")
    build(f"{WORK}/v1/state", f"{WORK}/v1/site", V1_NOW, f"{WORK}/v1/sentinel.toml")
    V1 = Site(f"{WORK}/v1/state", f"{WORK}/v1/site")


def tearDownModule() -> None:  # noqa: N802
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)


# ------------------------------------------------------ 1. the chart files

class ChartFilesTests(unittest.TestCase):
    """Every SVG is a safe, labelled image; every report shows its charts
    and every chart belongs to one report."""

    def check_svg(self, path: Path) -> "list[str]":
        problems = []
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            return [f"{path.name}: not XML: {error}"]
        if root.tag != f"{SVG}svg":
            problems.append(f"{path.name}: the root is {root.tag}")
        title = root.find(f"{SVG}title")
        if title is None or not (title.text or "").strip():
            problems.append(f"{path.name}: no <title>")
        if not root.get("aria-label", "").strip():
            problems.append(f"{path.name}: no aria-label")
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1].lower()
            if local in ("script", "foreignobject", "iframe", "object", "embed"):
                problems.append(f"{path.name}: a <{local}> element")
            for name, value in element.attrib.items():
                attribute = name.rsplit("}", 1)[-1].lower()
                if attribute.startswith("on"):
                    problems.append(f"{path.name}: an event handler {name}")
                if attribute in ("href", "src") and not value.startswith("#"):
                    problems.append(f"{path.name}: an external {name}={value!r}")
        text = path.read_text("utf-8")
        # Beside the namespace declaration, nothing names another place: no http(s) URL, no url() but #fragments.
        outside = text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace('"http://www.w3.org/1999/xlink"', "")
        if re.search(r"https?:|//[a-z]", outside, re.I) or re.search(r"url\(\s*['\"]?[^#'\"\s]", outside) \
                or "@import" in outside:
            problems.append(f"{path.name}: refers to something outside")
        if "prefers-color-scheme:dark" not in text.replace(" ", ""):
            problems.append(f"{path.name}: no dark scheme")
        return problems

    def check_site(self, site: Site, *, hourly_days: "set[str]") -> None:
        problems, references = [], {}
        svgs = sorted(site.root.glob("reports/*/charts/*"))
        self.assertGreater(len(svgs), 50)
        for path in svgs:
            self.assertEqual(path.suffix, ".svg", path)
            problems += self.check_svg(path)
        for kind in CHART_KINDS:
            reports = site.reports(kind)
            self.assertTrue(reports, kind)
            for report in reports:
                name = report.stem
                self.assertRegex(name, f"^{REPORT_NAME[kind]}$")
                kinds = [k for k in CHART_KINDS[kind] if kind != "daily" or k != "hours" or name in hourly_days]
                expected = [f"charts/{name}-{k}.svg" for k in kinds]
                images = IMAGE.findall(report.read_text("utf-8"))
                shown = [src for _, src in images]
                if shown != expected:
                    problems.append(f"{kind}/{name}.md shows {shown}, not {expected}")
                for alt, src in images:
                    target = (report.parent / src).resolve()
                    if not target.is_file() or site.root not in target.parents:
                        problems.append(f"{kind}/{name}.md: {src} does not resolve to a file of the site")
                    if not re.search(r"\d", alt):
                        problems.append(f"{kind}/{name}.md: the text alternative of {src} states no figure: {alt!r}")
                    references.setdefault(str(target.relative_to(site.root)) if target.is_file() else src, []).append(name)
                # The page shows the same charts, with the same text alternatives.
                page = support.Page(report.with_suffix(".html").read_text("utf-8"))
                imgs = [(attrs.get("alt"), attrs.get("src")) for tag, attrs in page.elements if tag == "img"]
                if imgs != [(html.unescape(alt), src) for alt, src in images]:
                    problems.append(f"{kind}/{name}.html shows {imgs}, its .md {images}")
        for path in svgs:
            name = str(path.relative_to(site.root))
            if len(references.get(name, [])) != 1:
                problems.append(f"{name} is shown by {references.get(name, [])}, not by exactly one report")
        self.assertEqual(problems, [])

    def test_demo_charts_are_safe_labelled_and_each_shown_by_one_report(self):
        hourly = {day for day, snap in DEMO.snapshots.items() if snap["schema_version"] >= 2 and snap.get("hourly")}
        self.assertGreater(len(hourly), 80, "the demo's snapshots should have hourly figures")
        self.check_site(DEMO, hourly_days=hourly)

    def test_version_1_days_have_no_hours_chart(self):
        self.assertTrue(all(snap["schema_version"] == 1 for snap in V1.snapshots.values()))
        self.check_site(V1, hourly_days=set())
        self.assertEqual(list(V1.root.glob("reports/daily/charts/*-hours.svg")), [])

    def test_the_svg_check_catches_a_hostile_chart(self):
        """The check above can fail: a chart with a script, a handler and an outside link."""
        folder = Path(tempfile.mkdtemp(prefix="sentinel-svg-", dir=WORK))
        source = next(DEMO.root.glob("reports/daily/charts/*-hours.svg")).read_text("utf-8")
        hostile = {
            "script": source.replace("</svg>", "<script>alert(1)</script></svg>"),
            "handler": source.replace("<svg ", '<svg onload="alert(1)" ', 1),
            "href": source.replace("</svg>", '<image href="https://example.com/x.png" width="1" height="1"/></svg>'),
            "title": re.sub(r"<title>.*?</title>", "", source, flags=re.S),
            "label": re.sub(r' aria-label="[^"]*"', "", source, count=1),
            "xml": source.replace("</svg>", ""),
        }
        for name, text in hostile.items():
            path = folder / f"{name}.svg"
            path.write_text(text, "utf-8")
            self.assertTrue(self.check_svg(path), f"{name}: not caught")


# -------------------------------------------------- 2. the pages in Chromium

class ReportPagesInBrowserTests(unittest.TestCase):
    """A daily, a weekly and a monthly report of the demo in headless
    Chromium at 390 and 1280 px, through a loopback HTTP server; the same
    measure on a planted page shows that it can fail."""

    PAGES = [f"site/reports/daily/{DEMO_DAILY}.html", f"site/reports/weekly/{DEMO_WEEKLY}.html",
             f"site/reports/monthly/{DEMO_MONTHLY}.html"]
    CHARTS = {"daily": 3, "weekly": 2, "monthly": 2}

    @classmethod
    def setUpClass(cls):
        cls.www = tempfile.mkdtemp(prefix="sentinel-www-", dir=WORK)
        os.symlink(DEMO.root, f"{cls.www}/site")
        # The control: the daily page with a script, an image that is not there and an image too wide.
        control = Path(cls.www, "control/reports/daily")
        control.mkdir(parents=True)
        os.symlink(DEMO.root / "assets", f"{cls.www}/control/assets")
        os.symlink(DEMO.root / "reports/daily/charts", control / "charts")
        page = Path(DEMO.root, f"reports/daily/{DEMO_DAILY}.html").read_text("utf-8")
        planted = page.replace("</main>", '<script>document.title = "ran";</script>'
                               f'<p><img src="charts/{DEMO_DAILY}-missing.svg" alt="missing"></p></main>'
                               # Outside main, where the site's stylesheet does not fit images to the column.
                               f'<p><img src="charts/{DEMO_DAILY}-hours.svg" width="1400" alt="too wide"></p>', 1)
        if planted == page:
            raise RuntimeError("the daily page has no </main> to plant the control in")
        (control / "planted.html").write_text(planted, "utf-8")
        cls.server = support.HTTPServer(cls.www)
        try:
            cls.measured = {width: measure(cls.server, cls.www, cls.PAGES, width) for width in (390, 1280)}
            cls.control = measure(cls.server, cls.www, ["control/reports/daily/planted.html"], 390)
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def kind(self, page: str) -> str:
        return page.split("/")[2]

    def test_pages_load_without_console_errors_and_every_chart_loads(self):
        for width, (pages, log) in self.measured.items():
            self.assertEqual(problems_in_log(log), [], f"at {width} px")
            self.assertEqual([entry["page"] for entry in pages], self.PAGES)
            for entry in pages:
                with self.subTest(page=entry["page"], width=width):
                    self.assertNotIn("error", entry)
                    self.assertEqual(entry["innerWidth"], width)
                    self.assertIn("report", entry["title"])
                    self.assertEqual(len(entry["images"]), self.CHARTS[self.kind(entry["page"])], entry["images"])
                    for image in entry["images"]:
                        self.assertRegex(image["src"], r"^charts/[^/]+\.svg$")
                        self.assertTrue(image["complete"], image)
                        self.assertGreater(image["naturalWidth"], 0, f"{image['src']} did not load")

    def assert_fits(self, width: int) -> None:
        pages, _ = self.measured[width]
        problems = []
        for entry in pages:
            for image in entry["images"]:
                if image["right"] > entry["innerWidth"] or image["left"] < 0:
                    problems.append(f"{entry['page']}: {image['src']} spans {image['left']}..{image['right']} px "
                                    f"of {entry['innerWidth']}")
            if entry["scrollWidth"] > entry["innerWidth"] + 1:
                problems.append(f"{entry['page']}: the document scrolls sideways ({entry['scrollWidth']} px "
                                f"in {entry['innerWidth']})")
        self.assertEqual(problems, [], f"at {width} px")

    def test_pages_fit_a_desktop_window(self):
        self.assert_fits(1280)

    def test_pages_fit_a_phone(self):
        """At 390 px the charts shrink to the column (style.css's `main img`)."""
        self.assert_fits(390)

    def test_the_measure_catches_a_planted_fault(self):
        pages, log = self.control
        self.assertTrue(problems_in_log(log), "the inline script's CSP violation was not seen:\n" + log[-2000:])
        self.assertTrue(any("Content Security Policy" in line for line in problems_in_log(log)))
        entry = pages[0]
        self.assertNotEqual(entry["title"], "ran", "the planted inline script ran")
        by_src = {image["src"]: image for image in entry["images"]}
        self.assertEqual(by_src[f"charts/{DEMO_DAILY}-missing.svg"]["naturalWidth"], 0)
        wide = [image for image in entry["images"] if image["width"] == 1400]
        self.assertTrue(wide and wide[0]["right"] > entry["innerWidth"])
        self.assertGreater(entry["scrollWidth"], entry["innerWidth"] + 1)

    def test_screenshots(self):
        """docs/screenshots/report-daily-390.png (through the HTTP server),
        report-daily-1280.png and report-weekly-1280.png (from file://)."""
        shots = [(f"http://127.0.0.1:{self.server.port}/site/reports/daily/{DEMO_DAILY}.html", "report-daily-390.png", 390, 1900),
                 ((DEMO.root / f"reports/daily/{DEMO_DAILY}.html").as_uri(), "report-daily-1280.png", 1280, 1300),
                 ((DEMO.root / f"reports/weekly/{DEMO_WEEKLY}.html").as_uri(), "report-weekly-1280.png", 1280, 1100)]
        for url, name, width, height in shots:
            with self.subTest(name=name):
                path = SCREENSHOTS / name
                log = screenshot(url, path, width, height, self.www, f"http://127.0.0.1:{self.server.port}")
                self.assertEqual(problems_in_log(log), [], name)
                self.assertTrue(path.is_file(), f"Chromium wrote no {name}:\n{log[-2000:]}")
                self.assertLess(path.stat().st_size, 300 * 1024, f"{name} is {path.stat().st_size} bytes")
                w, h, colours, share = ink(str(path))
                self.assertEqual((w, h), (width, height))
                self.assertGreater(colours, 40, f"{name} looks blank")
                self.assertGreater(share, 0.05, f"{name} looks blank")


# --------------------------------------------------------- 3. the daily mail

MAIL_T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)   # a Monday: the mail reports Sunday 2026-11-22
MAIL_TITLE = "Chart mail"
MAIL_DAYS = 14


def mail_events(days: int = MAIL_DAYS, seed: int = 11) -> list:
    """Redis commands: `days` days of a small bot before MAIL_T0 (users
    registering, commands along a day's curve, errors, api calls, a few
    conversions), the stream in ID order and the hashes after it."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 23, tzinfo=timezone.utc) - timedelta(days=days)
    curve = [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 8, 8, 9, 9, 8, 7, 7, 8, 9, 8, 6, 4, 2]
    entries, users, subscriptions = [], {}, {}

    def at(moment: datetime) -> int:
        return int(moment.timestamp() * 1000)

    for day in range(days + 1):
        base = start + timedelta(days=day)
        for _ in range(rng.randrange(4, 9)):
            moment = base + timedelta(hours=rng.randrange(7, 22), minutes=rng.randrange(60))
            if moment < MAIL_T0:
                user = f"chart-mail-user-{len(users)}"
                users[user] = at(moment)
                entries.append((at(moment), ["type", "registration", "user", user,
                                             "source", rng.choice(["organic", "ads", "ref:alice"])]))
        known = [user for user, registered in users.items() if registered < at(base)]
        for hour, weight in enumerate(curve):
            for _ in range(weight * rng.randrange(1, 4) if known else 0):
                moment = base + timedelta(hours=hour, seconds=rng.randrange(3600))
                if moment >= MAIL_T0:
                    continue
                entries.append((at(moment), ["type", "command", "user", rng.choice(known), "name",
                                             rng.choice(["analyze", "price", "alert"]), "latency_ms", str(rng.randrange(80, 2500))]))
                if rng.random() < 0.04:
                    entries.append((at(moment) + 1, ["type", "error", "name", "analyze", "kind", "Timeout"]))
                if rng.random() < 0.2:
                    entries.append((at(moment) + 2, ["type", "api_call", "provider", "openai", "cost", "0.0123",
                                                     "latency_ms", "600"]))
        for user in rng.sample(known, min(len(known), rng.randrange(0, 3))):
            moment = base + timedelta(hours=rng.randrange(8, 20), seconds=rng.randrange(3600))
            if user not in subscriptions and moment < MAIL_T0:
                entries.append((at(moment), ["type", "conversion", "user", user, "amount", "9.99", "currency", "EUR"]))
                subscriptions[user] = json.dumps({"plan": "premium", "amount": "9.99", "currency": "EUR", "since": at(moment)})
    entries.sort(key=lambda entry: entry[0])
    commands, last, sequence = [], -1, 0
    for moment, fields in entries:
        sequence = sequence + 1 if moment == last else 0
        last = moment
        commands.append(["XADD", "sentinel:events", f"{moment}-{sequence}", *fields])
    commands += [["HSET", "sentinel:users", user, str(registered)] for user, registered in users.items()]
    commands += [["HSET", "sentinel:subscriptions", user, value] for user, value in subscriptions.items()]
    return commands


class DailyMailTests(unittest.TestCase):
    """`sentinel-gen run` on 14 days in a private redis-server mails
    Sunday's report through a stand-in sendmail (as test_run.py does)."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sentinel-mail-", dir=WORK)
        mails = Path(cls.work, "mails")
        mails.mkdir()
        sendmail = Path(cls.work, "fake-sendmail")
        sendmail.write_text(f'#!/bin/sh\n[ "$1" = "-t" ] || exit 64\ncat > "{mails}/$(date +%s%N).eml"\n')
        sendmail.chmod(0o755)
        config = Path(cls.work, "sentinel.toml")
        config.write_text('timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n'
                          f'[site]\ntitle = "{MAIL_TITLE}"\nbase_url = "https://kpi.example.com/s/"\n'
                          f'[email]\nto = ["ops@example.com"]\nfrom = "kpi@example.com"\nsendmail = "{sendmail} -t"\n')
        redis = support.RedisServer()
        try:
            support.redis_pipe(redis.port, mail_events())
            cls.run_result = sentinel("run", "--config", str(config), "--redis", redis.url, "--state", f"{cls.work}/state",
                                      "--output", f"{cls.work}/site", "--now", MAIL_T0.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                      "--templates", TEMPLATES, env=dict(os.environ), timeout=120)
        finally:
            redis.stop()
        cls.files = sorted(mails.iterdir())
        cls.message = (email.message_from_bytes(cls.files[0].read_bytes(), policy=email.policy.default)
                       if len(cls.files) == 1 else None)

    def setUp(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result)
        self.assertEqual(len(self.files), 1, f"{len(self.files)} mails: {self.run_result}")

    def parts(self):
        """(alternative, {content type: text}, images)"""
        alternative, *images = list(self.message.iter_parts())
        texts = {part.get_content_type(): part.get_content() for part in alternative.iter_parts()}
        return alternative, texts, images

    def test_the_mail_is_related_alternative_and_png_parts(self):
        message = self.message
        self.assertEqual(message.get_content_type(), "multipart/related")
        self.assertEqual(message.get_param("type"), "multipart/alternative")
        alternative, texts, images = self.parts()
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        self.assertEqual([part.get_content_type() for part in alternative.iter_parts()], ["text/plain", "text/html"])
        self.assertEqual(len(images), 3, [part.get_content_type() for part in images])
        self.assertEqual({part.get_content_type() for part in images}, {"image/png"})
        page = texts["text/html"]
        cids = re.findall(r'src="cid:([^"]+)"', page)
        ids = [part["Content-ID"] for part in images]
        self.assertTrue(all(i and i.startswith("<") and i.endswith(">") for i in ids), ids)
        self.assertEqual(sorted(cids), sorted(i.strip("<>") for i in ids), "every cid: resolves, every PNG is shown")
        self.assertEqual(len(set(cids)), len(cids))
        self.assertNotIn("data:", page)
        self.assertNotIn(".svg", page)
        self.assertIn(f"# {MAIL_TITLE}: daily report, 2026-11-22", texts["text/plain"])

    def test_each_png_decodes_is_not_blank_and_is_small(self):
        _, _, images = self.parts()
        for part in images:
            with self.subTest(part=part["Content-ID"]):
                png = part.get_content()
                self.assertLess(len(png), 60 * 1024)
                path = Path(self.work, "part.png")
                path.write_bytes(png)
                width, height, colours, share = ink(str(path))
                self.assertGreaterEqual(width, 300)
                self.assertGreater(height, 100)
                self.assertGreater(colours, 10, "the chart is blank")
                self.assertGreater(share, 0.02, "the chart is blank")

    def test_the_subject_is_the_headline(self):
        subject = self.message["Subject"]
        found = re.fullmatch(rf"{re.escape(MAIL_TITLE)}, (\d{{4}}-\d\d-\d\d): MRR (€[\d,]+\.\d\d)(?: \(([^)]*)\))?, "
                             r"([\d,]+) active, (\d+) (alerts?) firing", subject)
        self.assertIsNotNone(found, subject)
        day, mrr, delta, active, firing, word = found.groups()
        snapshots = Site(f"{self.work}/state", f"{self.work}/site").snapshots
        complete = sorted(name for name, snap in snapshots.items() if snap["status"] == "complete")
        self.assertEqual(day, complete[-1])
        self.assertEqual(day, "2026-11-22")
        today, before = snapshots[day], snapshots[(date.fromisoformat(day) - timedelta(days=1)).isoformat()]
        self.assertEqual(mrr, money(today["revenue"]["mrr"]))
        if delta is not None:
            self.assertEqual(delta, change(Decimal(today["revenue"]["mrr"]) - Decimal(before["revenue"]["mrr"])))
        self.assertEqual(int(active.replace(",", "")), today["users"]["active"])
        alerts = json.loads(Path(self.work, "state/alerts.json").read_text("utf-8"))["alerts"]
        self.assertEqual(int(firing), sum(1 for alert in alerts if alert["state"] == "firing"))
        self.assertEqual(word, "alert" if firing == "1" else "alerts")

    def test_the_html_in_a_browser(self):
        """The HTML part with each cid: replaced by its PNG written beside it,
        at 390 and 1280 px; docs/screenshots/mail-390.png."""
        _, texts, images = self.parts()
        folder = Path(self.work, "mail-www")
        folder.mkdir(exist_ok=True)
        page = texts["text/html"]
        for part in images:
            cid = part["Content-ID"].strip("<>")
            name = part.get_filename() or f"{cid.split('@')[0]}.png"
            self.assertRegex(name, r"^[\w.-]+\.png$")
            (folder / name).write_bytes(part.get_content())
            page = page.replace(f"cid:{cid}", name)
        self.assertNotIn("cid:", page)
        (folder / "mail.html").write_text(page, "utf-8")
        server = support.HTTPServer(str(folder))
        try:
            for width in (390, 1280):
                with self.subTest(width=width):
                    (entry,), log = measure(server, str(folder), ["mail.html"], width, height=1600)
                    self.assertEqual(problems_in_log(log), [])
                    self.assertNotIn("error", entry)
                    self.assertEqual(len(entry["images"]), len(images))
                    for image in entry["images"]:
                        self.assertGreater(image["naturalWidth"], 0, f"{image['src']} did not load")
                        self.assertLessEqual(image["right"], entry["innerWidth"], image)
                    self.assertLessEqual(entry["scrollWidth"], entry["innerWidth"] + 1, "the mail scrolls sideways")
            shot = SCREENSHOTS / "mail-390.png"
            log = screenshot(f"http://127.0.0.1:{server.port}/mail.html", shot, 390, 1900, str(folder),
                             f"http://127.0.0.1:{server.port}")
        finally:
            server.stop()
        self.assertEqual(problems_in_log(log), [])
        self.assertLess(shot.stat().st_size, 300 * 1024)
        w, h, colours, share = ink(str(shot))
        self.assertEqual((w, h), (390, 1900))
        self.assertGreater(colours, 40, "mail-390.png looks blank")
        self.assertGreater(share, 0.05, "mail-390.png looks blank")


# ---------------------------------------------- 4. byte-identical rebuilds

class ByteIdenticalBuildTests(unittest.TestCase):
    def test_the_same_state_and_now_give_the_same_tree(self):
        state = DEMO.state
        first = build(state, f"{WORK}/identical/a", DEMO_NOW)
        second = build(state, f"{WORK}/identical/b", DEMO_NOW)
        a, b = tree(f"{WORK}/identical/a"), tree(f"{WORK}/identical/b")
        self.assertGreater(len([name for name in a if "/charts/" in name]), 250)
        self.assertEqual(sorted(a), sorted(b))
        self.assertEqual([name for name in a if a[name] != b[name]], [])
        self.assertEqual(Path(f"{WORK}/identical/a").resolve().name, Path(f"{WORK}/identical/b").resolve().name,
                         "the same content, another build id")
        self.assertEqual(record(f"{WORK}/identical/a").read_bytes(), record(f"{WORK}/identical/b").read_bytes())
        self.assertEqual(rendered(first), rendered(second))


# --------------------------------------------------- 5. the one-day rerun

class OneDayRerunTests(unittest.TestCase):
    """120 days of version 1 snapshots built into OUT; then the last day is
    complete and a new one is in progress, and OUT is built again."""

    @classmethod
    def setUpClass(cls):
        cls.plain = cls.scenario("plain")

    @staticmethod
    def scenario(name: str, before=None) -> dict:
        """Generates the state, builds OUT, calls before(out) if given, adds
        a day and builds OUT again and a fresh output. Returns the folders
        and the rerun's result."""
        folder = Path(WORK, "rerun", name)
        state, out, fresh = f"{folder}/state", f"{folder}/out", f"{folder}/fresh"
        generate_snapshots(state, BENCH_DAYS, BENCH_END)
        config = f"{folder}/sentinel.toml"
        Path(config).write_text(BENCH_CONFIG, "utf-8")
        first = build(state, out, BENCH_NOW, config)
        previous = Path(out).resolve()
        if before:
            before(out)
        day = add_a_day(state)
        rerun = build(state, out, BENCH_NEXT_NOW, config)
        fresh_result = build(state, fresh, BENCH_NEXT_NOW, config)
        return {"state": state, "out": out, "fresh": fresh, "config": config, "first": first, "rerun": rerun,
                "fresh_result": fresh_result, "previous": previous, "day": day}

    def assertSameTree(self, one: str, other: str):  # noqa: N802 - unittest's style
        a, b = tree(one), tree(other)
        self.assertEqual(sorted(set(a) ^ set(b)), [], "files in one tree only")
        self.assertEqual([name for name in a if a[name] != b[name]], [], "files that differ")
        self.assertEqual(Path(one).resolve().name, Path(other).resolve().name)

    def test_only_the_reports_whose_inputs_changed_are_rendered(self):
        s = self.plain
        reports = len(list(Path(s["out"]).resolve().glob("reports/*/*.md")))
        count, unchanged = rendered(s["rerun"])
        written, kept = published(s["rerun"])
        print(f"\none-day rerun: rendered {count} reports ({unchanged} unchanged), {written} files written, "
              f"{kept} unchanged", file=sys.stderr)
        # The new day, the day before it (now complete), their week and month.
        self.assertGreaterEqual(count, 4)
        self.assertLessEqual(count, 8)
        self.assertEqual(count + unchanged, reports)
        self.assertLessEqual(written, 40)
        new = Path(s["out"]).resolve()
        self.assertNotEqual(new, s["previous"])
        self.assertTrue((new / f"reports/daily/{s['day']}.md").is_file())
        self.assertTrue((new / f"reports/daily/charts/{s['day']}-activity.svg").is_file())
        # What did not change is a hard link into the previous release; what was written is not.
        linked = fresh_files = 0
        for path in new.rglob("*"):
            if path.is_file():
                old = s["previous"] / path.relative_to(new)
                if old.exists() and os.stat(old).st_ino == os.stat(path).st_ino:
                    linked += 1
                else:
                    fresh_files += 1
                    if old.exists():
                        self.assertNotEqual(old.read_bytes(), path.read_bytes(), f"{path.relative_to(new)} rewritten, same bytes")
        self.assertEqual((fresh_files, linked), (written, kept))
        self.assertSameTree(s["out"], s["fresh"])

    def damaged_rerun(self, name: str, damage) -> dict:
        """The one-day rerun after `damage(file)` hurt a chart of an old
        weekly report in the live release (one its record lists)."""
        victim = "reports/weekly/charts/2026-W40-movements.svg"

        def hurt(out: str):
            self.assertIn(victim, record_files(out))
            damage(Path(out).resolve() / victim)

        s = self.scenario(name, hurt)
        s["victim"] = victim
        return s

    def test_the_day_rows_are_recorded_and_only_the_changed_days_made_again(self):
        """Each file that lists every day records a run of rows a day; the
        rerun's rows of the days whose 30 days did not change are the
        previous release's bytes, and only the completed day's and the new
        day's inputs are new."""
        s = self.plain
        new, old = Path(s["out"]).resolve(), s["previous"]
        days = sorted(path.stem for path in Path(s["state"], "snapshots").glob("*.json"))
        new_rows, old_rows = record_rows(new), record_rows(old)
        self.assertEqual(sorted(new_rows), sorted(ROW_FILES))
        for path in ROW_FILES:
            rows, before = new_rows[path], old_rows[path]
            self.assertEqual(len(rows), len(days), path)
            content, previous = (new / path).read_bytes(), (old / path).read_bytes()
            made = [inputs for inputs, _, _ in rows if inputs not in {b[0] for b in before}]
            self.assertEqual(len(made), 2, f"{path}: rows made again")
            old_bytes = {inputs: previous[offset:offset + length] for inputs, offset, length in before}
            for (inputs, offset, length), day in zip(rows, days):
                piece = content[offset:offset + length]
                if inputs in old_bytes:
                    self.assertEqual(piece, old_bytes[inputs], f"{path} {day}")
                if path.startswith("api/"):
                    self.assertTrue(piece.startswith(f'{{\n      "date": "{day}"'.encode()), f"{path} {day}: {piece[:40]!r}")
                elif length:
                    self.assertTrue(piece.startswith(day.encode()) and piece.endswith(b"\r\n"), f"{path} {day}")

    def test_an_api_file_changed_in_the_previous_release_is_not_copied_from(self):
        """A day's row altered in the live release's users.json (same size,
        a new inode): the rerun makes every row, and the site is the fresh
        build's."""
        def alter(out: str):
            path = Path(out).resolve() / "api/users.json"
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data.replace(b'"premium": ', b'"premium":\t', 1))

        s = self.scenario("altered-rows", alter)
        self.assertSameTree(s["out"], s["fresh"])

    def test_a_kept_file_gone_from_the_previous_release_is_rendered_again(self):
        s = self.damaged_rerun("gone", Path.unlink)
        self.assertEqual(rendered(s["rerun"])[0], rendered(self.plain["rerun"])[0] + 1,
                         "the report whose chart is gone is rendered again")
        self.assertTrue((Path(s["out"]) / s["victim"]).is_file())
        self.assertSameTree(s["out"], s["fresh"])

    def test_a_kept_file_resized_in_the_previous_release_is_rendered_again(self):
        """A kept chart whose size changed in the live release makes the build
        render its report again, and the new release holds the rendered
        bytes, not the damaged file."""
        def resize(path: Path):
            data = path.read_bytes()
            path.unlink()   # a new inode: the release before keeps the original bytes
            path.write_bytes(data + b"\n")

        s = self.damaged_rerun("resized", resize)
        self.assertEqual(rendered(s["rerun"])[0], rendered(self.plain["rerun"])[0] + 1,
                         "the report whose chart changed size is rendered again")
        self.assertSameTree(s["out"], s["fresh"])

    def test_a_rebuild_of_the_same_state_restores_a_deleted_chart(self):
        """With a chart file deleted from the live release, a build of the
        same state renders that report again; its build id is the live one,
        so the file is put back into the live release."""
        s = self.scenario("deleted-then-same-state")
        gone = "reports/daily/charts/2026-09-01-activity.svg"
        self.assertIn(gone, record_files(s["out"]))
        (Path(s["out"]).resolve() / gone).unlink()
        again = build(s["state"], s["out"], BENCH_NEXT_NOW, s["config"])
        self.assertEqual(rendered(again)[0], 1)
        self.assertSameTree(s["out"], s["fresh"])

    def test_a_corrupt_record_renders_everything(self):
        def corrupt(out: str):
            record(out).write_bytes(b"\x00garbage\xff\n" * 3)

        s = self.scenario("corrupt", corrupt)
        reports = len(list(Path(s["out"]).resolve().glob("reports/*/*.md")))
        self.assertEqual(rendered(s["rerun"]), (reports, 0))
        self.assertSameTree(s["out"], s["fresh"])
        # The new release's record is whole again: the next build renders nothing.
        again = build(s["state"], s["out"], BENCH_NEXT_NOW, s["config"])
        self.assertEqual(rendered(again), (0, reports))
        self.assertIn("is up to date", again.stderr)
        # And a corrupt record with nothing new: everything rendered, the same site.
        record(s["out"]).write_text("garbage\n", "utf-8")
        same = build(s["state"], s["out"], BENCH_NEXT_NOW, s["config"])
        self.assertEqual(rendered(same), (reports, 0))
        self.assertSameTree(s["out"], s["fresh"])


# ------------------------------------------------------------- 6. the feed

class FeedTests(unittest.TestCase):
    def entries(self, site: Site) -> "list[dict]":
        feed = ET.parse(site.root / "feed.xml").getroot()
        out = []
        for entry in feed.findall("a:entry", ATOM):
            kind, name = entry.find("a:id", ATOM).text.rsplit(":", 2)[-2:]
            out.append({"kind": kind, "name": name, "href": entry.find("a:link", ATOM).get("href"),
                        "summary": entry.find("a:summary", ATOM).text or "",
                        "updated": entry.find("a:updated", ATOM).text})
        return out

    @staticmethod
    def in_progress(site: Site) -> "set[tuple[str, str]]":
        partial = [day for day, snap in site.snapshots.items() if snap["status"] != "complete"]
        found = set()
        for day in partial:
            moment = date.fromisoformat(day)
            year, week, _ = moment.isocalendar()
            found |= {("daily", day), ("weekly", f"{year}-W{week:02d}"), ("monthly", day[:7])}
        return found

    def check_complete_only(self, site: Site, expected_present: "set[tuple[str, str]]"):
        entries = self.entries(site)
        keys = {(entry["kind"], entry["name"]) for entry in entries}
        progress = self.in_progress(site)
        self.assertTrue(progress)
        self.assertEqual(keys & progress, set(), "reports in progress are in the feed")
        self.assertEqual(expected_present - keys, set(), "complete reports missing from the feed")
        for entry in entries:
            self.assertEqual(entry["href"], f"reports/{entry['kind']}/{entry['name']}.html")
            self.assertTrue((site.root / entry["href"]).is_file(), entry["href"])
        reports = {(kind, path.stem) for kind in CHART_KINDS for path in site.reports(kind)}
        self.assertEqual(len(entries), min(50, len(reports - progress)))
        return entries

    def check_period_summaries(self, site: Site, entries: "list[dict]"):
        weekly = [entry for entry in entries if entry["kind"] == "weekly"]
        monthly = [entry for entry in entries if entry["kind"] == "monthly"]
        self.assertTrue(weekly and monthly)
        for entry in weekly:
            found = re.search(r"([\d,]+) active in the week", entry["summary"])
            self.assertIsNotNone(found, entry)
            table = (site.root / f"reports/weekly/{entry['name']}.md").read_text("utf-8")
            row = re.search(r"^\| Active users \(the week\) \| ([\d,]+) \|", table, re.M)
            self.assertIsNotNone(row, entry["name"])
            self.assertEqual(found.group(1), row.group(1), entry)
            self.assertNotIn("DAU", entry["summary"])
        return weekly, monthly

    def test_the_demo_feed_has_complete_reports_only(self):
        entries = self.check_complete_only(DEMO, {("daily", DEMO_DAILY), ("weekly", DEMO_WEEKLY),
                                                  ("monthly", DEMO_MONTHLY)})
        self.assertEqual({("daily", "2026-11-25"), ("weekly", "2026-W48"), ("monthly", "2026-11")}, self.in_progress(DEMO))
        self.check_period_summaries(DEMO, entries)

    def test_a_week_and_a_month_enter_the_feed_when_they_end(self):
        """Version 1 snapshots to Monday 2026-11-02 in progress: Sunday ended
        2026-W44 and the month 2026-10; the week's active users are Sunday's
        7-day actives, the month's its last day's 30-day actives."""
        entries = self.check_complete_only(V1, {("daily", "2026-11-01"), ("weekly", "2026-W44"), ("monthly", "2026-10")})
        weekly, monthly = self.check_period_summaries(V1, entries)
        w44 = next(entry for entry in weekly if entry["name"] == "2026-W44")
        self.assertIn(f"{V1.snapshots['2026-11-01']['users']['active_7d']:,} active in the week", w44["summary"])
        october = next(entry for entry in monthly if entry["name"] == "2026-10")
        self.assertIn(f"{V1.snapshots['2026-10-31']['users']['active_30d']:,} active, 30 days", october["summary"])
        self.assertEqual(max(entry["name"] for entry in entries if entry["kind"] == "daily"), "2026-11-01")


if __name__ == "__main__":
    unittest.main()
