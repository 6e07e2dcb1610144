"""The published site in a real browser: a private redis-server is filled
with 40 days of events (distinctive user ids, hostile command names,
sources and providers), `sentinel-gen snapshot` and `build` make the site,
and headless Chromium opens it from file:// and through a loopback HTTP
server under a sub-path.

Run from the repository root (after `swift build`)::

    python3 -m unittest discover -s system-tests -v
"""

from __future__ import annotations

import csv
import io
import json
import re
import os
import shutil
import subprocess
import tempfile
import unittest
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import support

NOW = "2026-11-20T10:00:00Z"
DAYS = 40
USER_PREFIX = "uid-7f3c9a-"
TITLE = "Crypto & <Sentinel>"
CORPUS = [line for line in (support.REPO_ROOT / "system-tests/corpus/hostile-names.txt").read_text("utf-8").splitlines()
          if line and not line.startswith("#|")]
IMG_PAYLOAD = CORPUS[0]

STATE = SITE = WORK = ""
SNAPSHOTS: dict = {}


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def fill(redis_url: str) -> None:
    """Writes the events with redis-cli's raw protocol, so no client library is needed."""
    end = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)  # the last day's events precede NOW
    start = end - timedelta(days=DAYS - 1)
    entries, users, subscriptions = [], {}, {}
    for day in range(DAYS):
        base = start + timedelta(days=day)
        hostile = CORPUS[day % len(CORPUS)]
        for n in range(3):
            user = f"{USER_PREFIX}{day:02d}{n}"
            registered = base + timedelta(minutes=n)
            users[user] = ms(registered)
            entries.append((ms(registered), ["type", "registration", "user", user,
                                             "source", CORPUS[(3 * day + n + 1) % len(CORPUS)]]))
        # The day's hostile command is its most used one, so it heads the top commands.
        for n in range(25):
            user = f"{USER_PREFIX}{day:02d}{n % 3}"
            entries.append((ms(base + timedelta(minutes=10 + n)), ["type", "command", "user", user, "name", hostile,
                                                                   "latency_ms", str(100 + 7 * n)]))
        for n, name in enumerate(["analyze", "price", IMG_PAYLOAD]):
            entries.append((ms(base + timedelta(minutes=40 + n)), ["type", "command", "user", f"{USER_PREFIX}{day:02d}0",
                                                                   "name", name, "latency_ms", "250"]))
        entries.append((ms(base + timedelta(minutes=50)), ["type", "error", "name", hostile, "kind", "Timeout"]))
        entries.append((ms(base + timedelta(minutes=51)), ["type", "api_call", "provider", CORPUS[(2 * day + 2) % len(CORPUS)],
                                                           "cost", "0.01"]))
        entries.append((ms(base + timedelta(minutes=52)), ["type", "api_call", "provider", "openai", "cost", "0.4321"]))
        if day % 4 == 0:
            user = f"{USER_PREFIX}{day:02d}1"
            entries.append((ms(base + timedelta(minutes=55)), ["type", "conversion", "user", user, "amount", "9.99",
                                                               "currency", "EUR"]))
            subscriptions[user] = json.dumps({"plan": "premium", "amount": "9.99", "currency": "EUR",
                                              "since": ms(base + timedelta(minutes=55))})
        entries.append((ms(base + timedelta(minutes=56)), ["type", "command", "user", f"{USER_PREFIX}{day:02d}2",
                                                           "name", "bad", "latency_ms", "-5"]))
    entries.sort(key=lambda item: item[0])
    commands = []
    last, sequence = -1, 0
    for moment, fields in entries:
        sequence = sequence + 1 if moment == last else 0
        last = moment
        commands.append(["XADD", "sentinel:events", f"{moment}-{sequence}"] + fields)
    for user, registered in users.items():
        commands.append(["HSET", "sentinel:users", user, str(registered)])
    for user, value in subscriptions.items():
        commands.append(["HSET", "sentinel:subscriptions", user, value])
    support.redis_pipe(urlsplit(redis_url).port, commands)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(support.sentinel_gen()), *args], capture_output=True, text=True, timeout=300)


def setUpModule() -> None:
    global STATE, SITE, WORK
    WORK = tempfile.mkdtemp(prefix="sentinel-site-")
    STATE, SITE = f"{WORK}/state", f"{WORK}/site"
    config = f"{WORK}/sentinel.toml"
    Path(config).write_text(
        'timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n[exchange_rates]\nUSD = "0.92"\n'
        '[costs]\ninfrastructure = [{ name = "Railway", monthly = "5.00" }]\n'
        f'[site]\ntitle = "{TITLE}"\n', "utf-8")
    server = support.RedisServer()
    try:
        fill(server.url)
        snapshot = run("snapshot", "--config", config, "--redis", server.url, "--state", STATE, "--now", NOW)
        assert snapshot.returncode == 0, snapshot.stderr
    finally:
        server.stop()
    # A firing alert, as `sentinel-gen run` stores it, for the alerts panel.
    Path(f"{STATE}/alerts.json").write_text(json.dumps({"as_of": NOW, "alerts": [
        {"name": "error_rate_high", "state": "firing", "value": 0.0357142857, "threshold": 0.02,
         "since": "2026-11-20T08:00:00Z", "last_notified": NOW},
        {"name": "conversion_rate_low", "state": "ok", "value": 0.083, "threshold": 0.05, "since": None, "last_notified": None},
        {"name": "api_cost_high", "state": "ok", "value": "0.44", "threshold": "5.00", "since": None, "last_notified": None},
        {"name": "no_activity", "state": "not_evaluated", "value": None, "threshold": 2, "since": None, "last_notified": None},
    ]}), "utf-8")
    build = run("build", "--config", config, "--state", STATE, "--output", SITE, "--now", NOW,
                "--templates", str(support.REPO_ROOT / "site-template"))
    assert build.returncode == 0, build.stderr
    for path in sorted(Path(STATE, "snapshots").glob("*.json")):
        SNAPSHOTS[path.stem] = json.loads(path.read_text("utf-8"))


def tearDownModule() -> None:
    if WORK:
        shutil.rmtree(WORK, ignore_errors=True)


def site_files() -> "list[Path]":
    root = Path(SITE).resolve()
    return sorted(path for path in root.rglob("*") if path.is_file())


class DashboardInBrowserTests(unittest.TestCase):
    def dashboard(self, url: str, **options) -> "tuple[support.Page, str, str]":
        dom, log = support.chromium(url, **options)
        self.assertIn("<html", dom, f"Chromium gave no DOM for {url}:\n{log[-2000:]}")
        return support.Page(dom), dom, log

    def assert_drawn(self, page: support.Page, dom: str, log: str) -> None:
        html = page.elements[0][1] if page.elements and page.elements[0][0] == "html" else {}
        self.assertEqual(html.get("data-charts-drawn"), "8", f"charts not drawn:\n{log[-3000:]}")
        self.assertNotIn("data-script-errors", html)
        self.assertEqual(support.console_errors(log), [])

    def test_every_chart_draws_from_file(self):
        page, dom, log = self.dashboard(Path(SITE, "index.html").resolve().as_uri())
        self.assert_drawn(page, dom, log)
        self.assertEqual(page.title, TITLE)
        # With JavaScript, the tables fold away and the range selector shows.
        details = [attrs for tag, attrs in page.elements if tag == "details"]
        self.assertEqual(len(details), 8)
        self.assertTrue(all("open" not in attrs for attrs in details))

    def test_range_selector_changes_the_data(self):
        url = Path(SITE, "index.html").resolve().as_uri()
        points = {}
        for fragment, expected in (("", DAYS), ("#range=30", 30), ("#range=0", DAYS), ("#range=7", 7)):
            page, dom, log = self.dashboard(url + fragment)
            self.assert_drawn(page, dom, log)
            points[fragment] = page.elements[0][1].get("data-range-points")
            self.assertEqual(points[fragment], str(expected), fragment)

    def test_through_http_under_a_sub_path_and_it_polls_health(self):
        root = tempfile.mkdtemp(prefix="sentinel-http-")
        try:
            os.makedirs(f"{root}/some")
            os.symlink(Path(SITE).resolve(), f"{root}/some/prefix")
            server = support.HTTPServer(root)
            try:
                page, dom, log = self.dashboard(f"http://127.0.0.1:{server.port}/some/prefix/index.html", budget_ms=65000)
                self.assert_drawn(page, dom, log)
                asked = list(server.requests)
            finally:
                server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
        self.assertIn("/some/prefix/assets/chart.min.js", asked)
        self.assertIn("/some/prefix/api/health.json", asked, "the page did not poll api/health.json after 60 s")
        self.assertFalse([path for path in asked if not path.startswith("/some/prefix/")], asked)

    def test_screenshot_is_not_blank(self):
        shot = f"{WORK}/dashboard.png"
        support.chromium(Path(SITE, "index.html").resolve().as_uri(), screenshot=shot, size="640,1400")
        width, height, rows = support.png_pixels(shot)
        self.assertEqual((width, height), (640, 1400))
        colours = {pixel for row in rows[::4] for pixel in row[::4]}
        background = max(colours, key=lambda colour: sum(row[::4].count(colour) for row in rows[::16]))
        ink = sum(1 for row in rows[::4] for pixel in row[::4] if pixel != background)
        self.assertGreater(len(colours), 50)
        self.assertGreater(ink / (len(rows[::4]) * len(rows[0][::4])), 0.05)

    def test_hostile_names_show_as_text_and_run_nothing_on_any_page(self):
        root = Path(SITE).resolve()
        pages = [path for path in site_files() if path.suffix == ".html"]
        self.assertGreater(len(pages), 40)

        def visit(path: Path) -> "list[str]":
            name = str(path.relative_to(root))
            dom, log = support.chromium(path.as_uri(), budget_ms=3000)
            if "<html" not in dom:
                return [f"{name}: no DOM"]
            page = support.Page(dom)
            problems = [f"{name}: {line}" for line in support.console_errors(log)]
            if not page.title.startswith(TITLE):
                problems.append(f"{name}: the title changed to {page.title!r}")
            # The range selector's buttons and a report's charts are the page's own.
            injected = {tag for tag, attrs in page.elements if not (tag == "button" and "data-days" in attrs)
                        and not (tag == "img" and re.fullmatch(r"charts/[0-9W-]+-(hours|activity|revenue|movements)\.svg", attrs.get("src", "")))} & {"img", "svg", "iframe", "base", "style", "math", "xmp", "embed",
                                                            "object", "input", "form", "button", "noscript", "bgsound", "xss"}
            if injected:
                problems.append(f"{name}: injected elements {sorted(injected)}")
            if any(tag == "meta" and attrs.get("http-equiv", "").lower() in ("refresh", "link") for tag, attrs in page.elements):
                problems.append(f"{name}: an injected meta element")
            handlers = [(tag, key) for tag, attrs in page.elements for key in attrs if key.startswith("on")]
            if handlers:
                problems.append(f"{name}: event handlers {handlers}")
            scripts = [attrs.get("src") for tag, attrs in page.elements if tag == "script"]
            if not all(src in (None, "assets/chart.min.js", "assets/dashboard.js", "assets/pages.js") for src in scripts):
                problems.append(f"{name}: scripts {scripts}")
            if [link for link in page.links if link.lower().strip().startswith(("javascript", "data:text", "http"))]:
                problems.append(f"{name}: a live link {page.links}")
            return problems

        with ThreadPoolExecutor(max_workers=2) as pool:
            problems = [problem for found in pool.map(visit, pages) for problem in found]
        self.assertEqual(problems, [])
        print(f"\nhostile text: {len(CORPUS)} payloads, {len(pages)} pages in Chromium, none executed", file=sys.stderr)

    def test_every_payload_shows_literally_somewhere(self):
        text = "".join(support.Page(path.read_text("utf-8")).text for path in site_files() if path.suffix == ".html")
        missing = [payload for payload in CORPUS if payload not in text]
        self.assertEqual(missing, [])


class AnalyticsPagesInBrowserTests(unittest.TestCase):
    """revenue.html, retention.html and funnel.html: their charts draw from
    file:// and under an HTTP sub-path, their tables are there without
    JavaScript, and nothing fails."""

    CHARTS = {"revenue.html": 4, "retention.html": 2, "funnel.html": 2}

    def check(self, url: str, name: str) -> None:
        dom, log = support.chromium(url)
        self.assertIn("<html", dom, f"Chromium gave no DOM for {url}:\n{log[-2000:]}")
        page = support.Page(dom)
        html = page.elements[0][1] if page.elements and page.elements[0][0] == "html" else {}
        self.assertEqual(html.get("data-charts-drawn"), str(self.CHARTS[name]), f"{name}: charts not drawn:\n{log[-3000:]}")
        self.assertNotIn("data-script-errors", html)
        self.assertEqual(support.console_errors(log), [], name)
        self.assertTrue(page.title.startswith(TITLE), page.title)

    def test_each_page_draws_from_file(self):
        for name in self.CHARTS:
            self.check(Path(SITE, name).resolve().as_uri(), name)

    def test_each_page_draws_under_a_sub_path(self):
        root = tempfile.mkdtemp(prefix="sentinel-http-")
        try:
            # The same sub-path as the dashboard's test: the servers share their log.
            os.makedirs(f"{root}/some")
            os.symlink(Path(SITE).resolve(), f"{root}/some/prefix")
            server = support.HTTPServer(root)
            try:
                for name in self.CHARTS:
                    self.check(f"http://127.0.0.1:{server.port}/some/prefix/{name}", name)
                asked = list(server.requests)
            finally:
                server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
        self.assertIn("/some/prefix/assets/pages.js", asked)
        self.assertFalse([path for path in asked if not path.startswith("/some/prefix/")], asked)

    def test_tables_without_javascript(self):
        for name, charts in self.CHARTS.items():
            page = support.Page(Path(SITE, name).read_text("utf-8"))
            tables = [tag for tag, _ in page.elements if tag == "table"]
            self.assertGreaterEqual(len(tables), charts, name)
            self.assertIn('href="index.html"', Path(SITE, name).read_text("utf-8"))
        retention = Path(SITE, "retention.html").read_text("utf-8")
        self.assertIn("shade-", retention)
        funnel = support.Page(Path(SITE, "funnel.html").read_text("utf-8")).text
        # Every source of the last 30 days' 30-day cohorts shows as text.
        by_source = json.loads(Path(SITE, "api/funnel.json").read_text("utf-8"))["by_source"]
        self.assertTrue(by_source)
        self.assertEqual([row["source"] for row in by_source if row["source"] not in funnel], [])
        self.assertEqual([r["registered"] for r in by_source], sorted((r["registered"] for r in by_source), reverse=True))

    def test_screenshots_at_phone_and_desktop_widths(self):
        """The pages at 390 and 1280 px; the docs keep the demo's (scripts/screenshot)."""
        for name in self.CHARTS:
            for width in (390, 1280):
                shot = f"{WORK}/{name}-{width}.png"
                url = Path(SITE, name).resolve().as_uri()
                if width < 500:
                    # Headless Chromium lays a page out at least 500 px wide: a phone is an iframe the picture crops to.
                    wrapper = Path(WORK, f"phone-{name}")
                    wrapper.write_text(f'<!DOCTYPE html><body style="margin:0"><iframe src="{url}" width="{width}" '
                                       'height="1600" style="border:0;display:block"></iframe>', "utf-8")
                    url = wrapper.as_uri()
                support.chromium(url, screenshot=shot, size=f"{width},1600")
                w, h, rows = support.png_pixels(shot)
                self.assertEqual((w, h), (width, 1600))
                colours = {pixel for row in rows[::4] for pixel in row[::4]}
                self.assertGreater(len(colours), 20, f"{name} at {width} px looks blank")


class SiteTreeTests(unittest.TestCase):
    def test_every_href_and_src_resolves_to_a_file(self):
        root = Path(SITE).resolve()
        broken = []
        for path in site_files():
            if path.suffix != ".html":
                continue
            for link in support.Page(path.read_text("utf-8")).links:
                parts = urlsplit(link)
                if parts.scheme == "data":
                    continue
                self.assertFalse(parts.scheme or parts.netloc, f"{path}: {link} is not relative")
                if not parts.path:
                    continue
                target = (path.parent / unquote(parts.path)).resolve()
                if not target.is_file() or root not in target.parents:
                    broken.append((str(path.relative_to(root)), link))
        self.assertEqual(broken, [])

    def test_embedded_data_cannot_close_its_element(self):
        page = support.Page(Path(SITE, "index.html").read_text("utf-8"))
        data = [script for script in page.scripts if script.strip().startswith("{")]
        self.assertEqual(len(data), 1)
        self.assertNotIn("<", data[0])
        parsed = json.loads(data[0])
        self.assertIn(IMG_PAYLOAD, parsed["top_commands"]["names"])
        self.assertEqual(len(parsed["dates"]), DAYS)

    def test_no_user_id_anywhere(self):
        leaks = [str(path) for path in site_files() if USER_PREFIX.encode() in path.read_bytes()]
        leaks += [str(path) for path in Path(STATE).rglob("*.json") if USER_PREFIX.encode() in path.read_bytes()]
        self.assertEqual(leaks, [])

    def test_api_matches_the_snapshots(self):
        latest = SNAPSHOTS[max(SNAPSHOTS)]
        overview = json.loads(Path(SITE, "api/overview.json").read_text("utf-8"))
        self.assertEqual(list(overview), ["as_of", "kpis"])
        self.assertEqual(list(overview["kpis"]), [
            "total_users", "premium_users", "free_users", "new_users", "dau", "wau", "mau", "stickiness", "mrr", "arr",
            "arpu", "arppu", "conversion_rate", "churn_rate_30d", "ltv", "commands", "error_rate", "api_cost",
            "infrastructure_cost", "cost_per_active_user", "net_mrr", "grr_30d", "nrr_30d", "quick_ratio"])
        kpis = overview["kpis"]
        # Version 2's churn counts the customers of 30 days before.
        retention = latest["revenue"]["retention_30d"]
        if retention and retention["customers_start"]:
            self.assertAlmostEqual(kpis["churn_rate_30d"], 1 - retention["customers_retained"] / retention["customers_start"])
            self.assertLessEqual(kpis["churn_rate_30d"], 1)
        self.assertEqual(overview["as_of"], latest["captured_at"])
        self.assertEqual(kpis["total_users"], latest["users"]["total"])
        self.assertEqual(kpis["premium_users"], latest["users"]["premium"])
        self.assertEqual(kpis["dau"], latest["users"]["active"])
        self.assertEqual(kpis["mau"], latest["users"]["active_30d"])
        self.assertEqual(kpis["mrr"], latest["revenue"]["mrr"])
        self.assertEqual(kpis["commands"], latest["engagement"]["commands"])
        self.assertEqual(kpis["api_cost"], latest["costs"]["api_total"])
        self.assertAlmostEqual(kpis["conversion_rate"], latest["users"]["premium"] / latest["users"]["total"], places=9)
        self.assertAlmostEqual(kpis["error_rate"], latest["engagement"]["errors"] / latest["engagement"]["commands"], places=9)
        alerts = json.loads(Path(SITE, "api/alerts.json").read_text("utf-8"))
        self.assertEqual([a["name"] for a in alerts["alerts"]], ["error_rate_high", "conversion_rate_low", "api_cost_high", "no_activity",
                                                                 "commands_low", "registrations_low", "conversions_low", "errors_high"])
        self.assertEqual(list(alerts["alerts"][0]), ["name", "state", "value", "threshold", "since"])
        self.assertEqual(alerts["alerts"][0]["state"], "firing")
        engagement = json.loads(Path(SITE, "api/engagement.json").read_text("utf-8"))
        for day in engagement["days"]:
            self.assertEqual(day["by_command"], SNAPSHOTS[day["date"]]["engagement"]["by_command"])
        health = json.loads(Path(SITE, "api/health.json").read_text("utf-8"))
        self.assertEqual(health["snapshots"], len(SNAPSHOTS))
        self.assertEqual(health["built_at"], NOW)
        self.assertIn(f'data-build-id="{health["build_id"]}"', Path(SITE, "index.html").read_text("utf-8"))
        self.assertEqual(health["data_quality"]["events_read"], sum(s["data_quality"]["events_read"] for s in SNAPSHOTS.values()))

    def test_csv_round_trips(self):
        with open(Path(SITE, "data/metrics.csv"), newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        self.assertEqual([row["date"] for row in rows], sorted(SNAPSHOTS))
        for row in rows:
            snapshot = SNAPSHOTS[row["date"]]
            self.assertEqual(int(row["users_total"]), snapshot["users"]["total"])
            self.assertEqual(row["revenue_mrr"], snapshot["revenue"]["mrr"])
            self.assertEqual(int(row["engagement_commands"]), snapshot["engagement"]["commands"])
        raw = Path(SITE, "data/commands.csv").read_bytes()
        self.assertTrue(raw.endswith(b"\r\n"))
        with open(Path(SITE, "data/commands.csv"), newline="", encoding="utf-8") as handle:
            commands = list(csv.DictReader(handle))
        expected = [(date, name, count) for date, snapshot in sorted(SNAPSHOTS.items())
                    for name, count in snapshot["engagement"]["by_command"].items()]
        def cell(name: str) -> str:
            return "'" + name if name[:1] in ("=", "+", "-", "@", "\t", "\r") else name
        self.assertEqual([(row["date"], row["command"], int(row["count"])) for row in commands],
                         [(date, cell(name), count) for date, name, count in expected])
        for name in ("metrics", "commands", "api_costs", "acquisition", "rejections"):
            with open(Path(SITE, f"data/{name}.csv"), newline="", encoding="utf-8") as handle:
                for row in csv.reader(handle):
                    for value in row:
                        if value[:1] in ("=", "+", "@", "\t", "\r"):
                            self.fail(f"{name}.csv: a cell starts a formula: {value!r}")

    def test_feed_parses(self):
        ns = {"a": "http://www.w3.org/2005/Atom"}
        feed = ET.parse(Path(SITE, "feed.xml")).getroot()
        self.assertEqual(feed.tag, "{http://www.w3.org/2005/Atom}feed")
        for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
            self.assertIsNotNone(feed.find(required, ns), required)
        entries = feed.findall("a:entry", ns)
        pages = list(Path(SITE).resolve().glob("reports/*/*.html"))
        self.assertGreater(len(pages), 40)
        # Complete reports only: one in progress wears the badge.
        complete = [page for page in pages if 'class="badge">In progress' not in page.read_text("utf-8")]
        self.assertLess(len(complete), len(pages))
        self.assertEqual(len(entries), min(50, len(complete)))
        ids = [entry.find("a:id", ns).text for entry in entries]
        self.assertEqual(len(set(ids)), len(ids))
        for entry in entries:
            datetime.strptime(entry.find("a:updated", ns).text, "%Y-%m-%dT%H:%M:%SZ")
            href = entry.find("a:link", ns).get("href")
            self.assertTrue(Path(SITE, href).is_file(), href)
        self.assertEqual(feed.find("a:title", ns).text, f"{TITLE}: reports")


if __name__ == "__main__":
    unittest.main()
