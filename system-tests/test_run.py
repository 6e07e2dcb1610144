"""`sentinel-gen run` and `demo` with real processes: a private
redis-server, a loopback HTTP server standing in for webhooks and
Telegram's Bot API, and a stand-in sendmail that keeps what it receives.

Run from the repository root (after `swift build`)::

    python3 -m unittest discover -s system-tests -v
"""

from __future__ import annotations

import email
import hashlib
import email.policy
import fcntl
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path

import support

TOKEN = "123456:telegram-secret-token"
HOUR = timedelta(hours=1)
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)  # a Monday; the stream covers the week before


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Endpoint(http.server.BaseHTTPRequestHandler):
    """Webhooks and Telegram: `/ok/...` answers 200, `/flaky/...` 500 twice
    then 200, `/hang/...` never answers."""

    received: list = []
    flaky: dict = {}

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        Endpoint.received.append({"method": "POST", "path": self.path, "type": self.headers.get("Content-Type"),
                                  "body": body.decode("utf-8", "replace"), "raw": body})
        if self.path.startswith("/hang/"):
            time.sleep(8)
            return
        if self.path.startswith("/flaky/"):
            count = Endpoint.flaky.get(self.path, 0) + 1
            Endpoint.flaky[self.path] = count
            if count <= 2:
                self.send_response(500)
                self.end_headers()
                return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')

    def log_message(self, format, *args):  # noqa: A002
        pass


class RunTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = support.RedisServer()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.fill()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.redis.stop()

    @classmethod
    def fill(cls):
        """A week of quiet use, then 30 commands and 10 errors in the hour before T0."""
        commands = []
        for day in range(7, 0, -1):
            start = T0 - timedelta(days=day)
            for n in range(25):
                user = f"secret-user-{n}"
                if day == 7:
                    commands.append(["HSET", "sentinel:users", user, str(ms(start))])
                    commands.append(["XADD", "sentinel:events", f"{ms(start) + n}-0", "type", "registration", "user", user])
                commands.append(["XADD", "sentinel:events", f"{ms(start + HOUR) + n}-0", "type", "command", "user", user,
                                 "name", "analyze", "latency_ms", "500"])
        for n in range(30):
            moment = ms(T0 - HOUR) + n * 1000
            commands.append(["XADD", "sentinel:events", f"{moment}-0", "type", "command", "user", f"secret-user-{n % 25}",
                             "name", "price"])
            if n % 3 == 0:
                commands.append(["XADD", "sentinel:events", f"{moment}-1", "type", "error", "name", "price", "kind", "Timeout"])
        for n in range(3):
            commands.append(["HSET", "sentinel:subscriptions", f"secret-user-{n}",
                             '{"plan":"premium","amount":"9.99","currency":"EUR","since":1700000000000}'])
        # Stream entries in ID order, the hashes after them.
        def order(command):
            if command[0] != "XADD":
                return (1, 0, 0)
            moment, sequence = command[2].split("-")
            return (0, int(moment), int(sequence))
        commands.sort(key=order)
        payload = bytearray()
        for command in commands:
            payload += f"*{len(command)}\r\n".encode()
            for argument in command:
                data = argument.encode()
                payload += f"${len(data)}\r\n".encode() + data + b"\r\n"
        subprocess.run(["redis-cli", "-p", str(cls.redis.port), "--pipe"], input=bytes(payload), check=True, capture_output=True)

    def setUp(self):
        Endpoint.received.clear()
        Endpoint.flaky.clear()
        self.work = tempfile.mkdtemp(prefix="sentinel-run-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.mails = f"{self.work}/mails"
        os.makedirs(self.mails)
        self.sendmail = f"{self.work}/fake-sendmail"
        Path(self.sendmail).write_text(f'#!/bin/sh\n[ "$1" = "-t" ] || exit 64\ncat > "{self.mails}/$(date +%s%N).eml"\n')
        os.chmod(self.sendmail, 0o755)

    def config(self, webhooks=("ok",), telegram=True, mail=True, extra="") -> str:
        path = f"{self.work}/sentinel.toml"
        hooks = ", ".join(f'"{self.base}/{kind}/hook"' for kind in webhooks)
        text = ('timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n'
                f'[alerts]\nwebhooks = [{hooks}]\ncooldown_hours = 6\n{extra}'
                '[site]\ntitle = "Sentinel test"\nbase_url = "https://kpi.example.com/s/"\n')
        if telegram:
            text += f'[telegram]\nchat_id = "-100200"\napi_url = "{self.base}/ok/tg"\n'
        if mail:
            text += f'[email]\nto = ["ops@example.com"]\nfrom = "kpi@example.com"\nsendmail = "{self.sendmail} -t"\n'
        Path(path).write_text(text)
        return path

    def run_job(self, now: datetime, config: str, *extra: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, SENTINEL_TELEGRAM_TOKEN=TOKEN)
        return subprocess.run([str(support.sentinel_gen()), "run", "--config", config, "--redis", self.redis.url,
                               "--state", f"{self.work}/state", "--output", f"{self.work}/site", "--now", iso(now),
                               "--templates", str(support.REPO_ROOT / "site-template"), *extra],
                              capture_output=True, text=True, timeout=120, env=environment)

    def hooks(self, alert: str) -> list:
        return [json.loads(r["body"]) for r in Endpoint.received if r["path"].endswith("/hook")
                and json.loads(r["body"])["alert"] == alert]

    def test_alerts_fire_repeat_after_the_cooldown_and_resolve_once(self):
        config = self.config(telegram=False, mail=False)
        steps = [(T0, ["firing"]), (T0 + HOUR, []), (T0 + 6 * HOUR, ["firing"]), (T0 + 7 * HOUR, []),
                 (T0 + 25 * HOUR, ["resolved"]), (T0 + 26 * HOUR, [])]
        since = None
        for now, expected in steps:
            Endpoint.received.clear()
            result = self.run_job(now, config)
            self.assertEqual(result.returncode, 0, result.stderr)
            sent = self.hooks("error_rate_high")
            self.assertEqual([h["state"] for h in sent], expected, iso(now))
            alerts = json.loads(Path(self.work, "site/api/alerts.json").read_text())
            self.assertEqual(alerts["as_of"], iso(now))
            state = alerts["alerts"][0]
            if now < T0 + 24 * HOUR:
                self.assertEqual(state["state"], "firing")
                self.assertEqual(state["since"], iso(T0))
                if now == T0:  # 10 errors over the 55 commands of (T0 - 24 h, T0]
                    self.assertAlmostEqual(state["value"], 10 / 55, places=9)
                since = state["since"]
            else:
                self.assertEqual(state["state"], "not_evaluated")
                self.assertIsNone(state["since"])
            for hook in sent:
                self.assertEqual(list(hook), ["alert", "state", "value", "threshold", "since", "at", "site", "link"])
                self.assertEqual(hook["since"], since)
                self.assertEqual(hook["threshold"], 0.05)
                self.assertEqual(hook["link"], "https://kpi.example.com/s/index.html")
        # Each request was a JSON POST.
        self.assertTrue(all(r["method"] == "POST" and r["type"].startswith("application/json") for r in Endpoint.received))

    def test_telegram_and_mail_are_sent_once_and_the_token_stays_in_the_path(self):
        config = self.config()
        first = self.run_job(T0, config)
        self.assertEqual(first.returncode, 0, first.stderr)
        telegram = [r for r in Endpoint.received if "/tg/" in r["path"]]
        self.assertTrue(telegram)
        texts = []
        for request in telegram:
            self.assertNotIn(TOKEN.encode(), request["raw"])
            if request["path"].endswith("/sendPhoto"):
                self.assertEqual(request["path"], f"/ok/tg/bot{TOKEN}/sendPhoto")
                fields = self.form_fields(request)
                self.assertEqual(fields["chat_id"][0], b"-100200")
                caption, png = fields["caption"][0].decode(), fields["photo"][0]
                self.assertEqual(fields["photo"][1], "image/png")
                self.assertLessEqual(len(caption.encode("utf-16-le")) // 2, 1024)
                self.assertLess(len(png), 60 * 1024)
                self.assertNonBlankPNG(png)
                texts.append(caption)
            else:
                self.assertEqual(request["path"], f"/ok/tg/bot{TOKEN}/sendMessage")
                body = json.loads(request["body"])
                self.assertEqual(body["chat_id"], "-100200")
                texts.append(body["text"])
        self.assertTrue(any("error_rate_high is firing" in text for text in texts), texts)
        summaries = [t for t in texts if t.startswith("📊 Sentinel test: week 2026-W47")]
        self.assertTrue(summaries and all("https://kpi.example.com/s/reports/weekly/2026-W47.html" in t for t in summaries), texts)
        self.assertTrue(any(r["path"].endswith("/sendPhoto") for r in telegram), "the week's summary comes with its chart")
        mails = sorted(Path(self.mails).iterdir())
        self.assertEqual(len(mails), 1)
        message = email.message_from_bytes(mails[0].read_bytes(), policy=email.policy.default)
        self.assertEqual(message["To"], "ops@example.com")
        self.assertRegex(message["Subject"], r"^Sentinel test, 2026-11-22: MRR €\d+\.\d\d( \([+−±][^)]*\))?, \d+ active, 1 alert firing$")
        self.assertEqual(message.get_content_type(), "multipart/related")
        alternative, *images = list(message.iter_parts())
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        parts = {part.get_content_type(): part.get_content() for part in alternative.iter_parts()}
        self.assertIn("# Sentinel test: daily report, 2026-11-22", parts["text/plain"])
        self.assertIn("🔴 error_rate_high is firing", parts["text/plain"])
        self.assertRegex(parts["text/plain"], r"\nCommands 25  (±0|[▲▼] [+−]\d+)\n")
        self.assertIn("<table style=", parts["text/html"])
        self.assertIn('href="https://kpi.example.com/s/reports/daily/2026-11-22.html"', parts["text/html"])
        # Every image the HTML shows is a PNG part of the message, and nothing else is.
        cids = set(__import__("re").findall(r'src="cid:([^"]+)"', parts["text/html"]))
        self.assertGreaterEqual(len(cids), 2, parts["text/html"])
        self.assertNotIn("data:", parts["text/html"])
        self.assertNotIn(".svg", parts["text/html"])
        by_id = {image["Content-ID"].strip("<>"): image for image in images}
        self.assertEqual(set(by_id), cids)
        for image in images:
            self.assertEqual(image.get_content_type(), "image/png")
            png = image.get_content()
            self.assertLess(len(png), 60 * 1024)
            self.assertNonBlankPNG(png)
        # Nothing twice: a second run an hour later sends no summary, no mail.
        Endpoint.received.clear()
        second = self.run_job(T0 + HOUR, config)
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual([r for r in Endpoint.received if "/tg/" in r["path"]], [])
        self.assertEqual(len(list(Path(self.mails).iterdir())), 1)
        # The token never reaches the output, the logs or the state.
        for text in (first.stdout, first.stderr, second.stdout, second.stderr):
            self.assertNotIn(TOKEN, text)
        for path in Path(self.work).rglob("*"):
            if path.is_file() and path.name != "sentinel.toml":
                self.assertNotIn(TOKEN.encode(), path.read_bytes(), str(path))

    @staticmethod
    def form_fields(request) -> dict:
        """A multipart/form-data body's fields: name -> (bytes, content type)."""
        raw = b"Content-Type: " + request["type"].encode() + b"\r\n\r\n" + request["raw"]
        form = email.message_from_bytes(raw, policy=email.policy.HTTP)
        return {part.get_param("name", header="content-disposition"): (part.get_payload(decode=True), part.get_content_type())
                for part in form.iter_parts()}

    def assertNonBlankPNG(self, png: bytes):  # noqa: N802 - unittest's style
        path = Path(self.work, "image.png")
        path.write_bytes(png)
        width, height, rows = support.png_pixels(str(path))
        self.assertGreater(width, 100)
        colours = {pixel for row in rows[::4] for pixel in row[::4]}
        self.assertGreater(len(colours), 3, "the chart is blank")

    def test_a_server_error_is_retried_and_a_hang_times_out_without_stopping_the_site(self):
        config = self.config(webhooks=("flaky", "hang"), telegram=False, mail=False)
        started = time.monotonic()
        result = self.run_job(T0, config, "--delivery-timeout", "1")
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("the site was published", result.stderr)
        self.assertIn("to webhook 127.0.0.1", result.stderr)
        self.assertNotIn("/hang/hook", result.stderr)
        self.assertTrue(Path(self.work, "site/index.html").is_file())
        flaky = [r for r in Endpoint.received if r["path"] == "/flaky/hook"]
        hung = [r for r in Endpoint.received if r["path"] == "/hang/hook"]
        self.assertEqual(len(flaky), 3 * len(self.hooks_sent_kinds()))  # 500, 500, then 200
        self.assertEqual(len(hung), 3 * len(self.hooks_sent_kinds()))
        self.assertLess(elapsed, 60)
        # The hung webhook's messages wait for the next runs, three at most.
        state = json.loads(Path(self.work, "state/delivery.json").read_text())
        self.assertTrue(state["pending"])
        # The outbox keeps a digest of the webhook, never its URL.
        hang_digest = "sha256:" + hashlib.sha256(f"{self.base}/hang/hook".encode()).hexdigest()
        self.assertTrue(all(message["channel"] == "webhook" and message["target"] == hang_digest for message in state["pending"]))
        first = {message["id"] for message in state["pending"]}
        for hour in (1, 2):
            again = self.run_job(T0 + hour * HOUR, config, "--delivery-timeout", "1")
            self.assertEqual(again.returncode, 4)
        state = json.loads(Path(self.work, "state/delivery.json").read_text())
        self.assertEqual(first & {message["id"] for message in state["pending"]}, set())
        self.assertIn("given up after 3 runs", again.stderr)

    def hooks_sent_kinds(self) -> list:
        """Distinct notifications of the first run (one POST per webhook each)."""
        return sorted({(json.loads(r["body"])["alert"], json.loads(r["body"])["state"])
                       for r in Endpoint.received if r["path"] == "/flaky/hook"})

    def test_a_failing_mail_command_is_a_failed_delivery_kept_for_the_next_run(self):
        config = self.config(webhooks=(), telegram=False)
        Path(config).write_text(Path(config).read_text().replace(f'{self.sendmail} -t', "/bin/false"))
        result = self.run_job(T0, config)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("the mail command exited with 1", result.stderr)
        state = json.loads(Path(self.work, "state/delivery.json").read_text())
        self.assertEqual([message["channel"] for message in state["pending"]], ["email"])
        self.assertTrue(Path(self.work, "site/index.html").is_file())

    def test_an_unreadable_outbox_loses_no_notification(self):
        config = self.config(telegram=False, mail=False)
        os.makedirs(f"{self.work}/state")
        Path(self.work, "state/delivery.json").write_text("garbage")
        result = self.run_job(T0, config)
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("will be notified at the next run", result.stderr)
        self.assertEqual(self.hooks("error_rate_high"), [])
        Path(self.work, "state/delivery.json").unlink()
        again = self.run_job(T0 + HOUR, config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual([hook["state"] for hook in self.hooks("error_rate_high")], ["firing"])

    def test_a_second_run_while_the_first_holds_the_lock_exits_75(self):
        config = self.config(telegram=False, mail=False, webhooks=())
        os.makedirs(f"{self.work}/state")
        with open(f"{self.work}/state/.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            result = self.run_job(T0, config)
        self.assertEqual(result.returncode, 75)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)
        self.assertIn("holds the lock", result.stderr)
        self.assertFalse(Path(self.work, "site").exists())
        self.assertFalse(Path(self.work, "state/snapshots").exists())
        # The lock is released with its holder: the next run works.
        self.assertEqual(self.run_job(T0, config).returncode, 0)

    def test_redis_down_publishes_nothing(self):
        config = self.config(telegram=False, mail=False, webhooks=())
        result = subprocess.run([str(support.sentinel_gen()), "run", "--config", config,
                                 "--redis", f"redis://:hunter2@127.0.0.1:{support.free_port()}/0",
                                 "--state", f"{self.work}/state", "--output", f"{self.work}/site", "--now", iso(T0),
                                 "--templates", str(support.REPO_ROOT / "site-template")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertNotIn("hunter2", result.stderr + result.stdout)
        self.assertFalse(Path(self.work, "site").exists())


class DemoTests(unittest.TestCase):
    def test_demo_builds_a_site_and_leaves_no_server_behind(self):
        work = tempfile.mkdtemp(prefix="sentinel-demo-test-")
        self.addCleanup(shutil.rmtree, work, True)
        before = set(subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split())
        folders = set(Path("/tmp").glob("sentinel-demo-??????"))
        started = time.monotonic()
        result = subprocess.run([str(support.sentinel_gen()), "demo", "--seed", "3", "--days", "60",
                                 "--now", "2026-11-25T07:00:00Z", "--state", f"{work}/state", "--output", f"{work}/output",
                                 "--templates", str(support.REPO_ROOT / "site-template")],
                                capture_output=True, text=True, timeout=120, cwd=work)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(time.monotonic() - started, 60)
        self.assertIn("python3 -m http.server -d", result.stdout)
        overview = json.loads(Path(work, "output/api/overview.json").read_text())
        self.assertGreater(overview["kpis"]["total_users"], 300)
        self.assertGreater(overview["kpis"]["premium_users"], 10)
        health = json.loads(Path(work, "output/api/health.json").read_text())
        self.assertEqual(health["snapshots"], 61)
        self.assertGreater(health["data_quality"]["rejected_total"], 0)
        after = set(subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True).stdout.split())
        self.assertEqual(after - before, set())
        self.assertEqual(set(Path("/tmp").glob("sentinel-demo-??????")) - folders, set())
        # The same seed and clock give the same site.
        again = subprocess.run([str(support.sentinel_gen()), "demo", "--seed", "3", "--days", "60",
                                "--now", "2026-11-25T07:00:00Z", "--state", f"{work}/state2", "--output", f"{work}/output2",
                                "--templates", str(support.REPO_ROOT / "site-template")],
                               capture_output=True, text=True, timeout=120, cwd=work)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(Path(work, "output/api/users.json").read_bytes(), Path(work, "output2/api/users.json").read_bytes())

    def test_the_readme_demo_command(self):
        """`scripts/demo`, as the README's first command runs it (with the
        build this suite uses, and its folders redirected)."""
        work = tempfile.mkdtemp(prefix="sentinel-demo-script-")
        self.addCleanup(shutil.rmtree, work, True)
        result = subprocess.run([str(support.REPO_ROOT / "scripts/demo"), "--days", "14", "--state", f"{work}/state",
                                 "--output", f"{work}/output"], capture_output=True, text=True, timeout=300,
                                env=dict(os.environ, SENTINEL_BIN=str(support.sentinel_gen())))
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertIn(f"{work}/output/index.html", result.stdout)
        self.assertTrue(Path(work, "output/index.html").is_file())
        self.assertTrue(Path(work, "output/reports/index.html").is_file())

    def test_ctrl_c_stops_the_server_and_removes_its_folder(self):
        work = tempfile.mkdtemp(prefix="sentinel-demo-test-")
        self.addCleanup(shutil.rmtree, work, True)
        folders = set(Path("/tmp").glob("sentinel-demo-??????"))
        # Ten years of days take long enough to interrupt.
        process = subprocess.Popen([str(support.sentinel_gen()), "demo", "--days", "3650", "--state", f"{work}/state",
                                    "--output", f"{work}/output", "--templates", str(support.REPO_ROOT / "site-template")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        server = ""
        deadline = time.monotonic() + 30
        while not server and time.monotonic() < deadline and process.poll() is None:
            server = subprocess.run(["pgrep", "-P", str(process.pid), "redis-server"], capture_output=True, text=True).stdout.strip()
            time.sleep(0.01)
        self.assertTrue(server, "the demo's redis-server was not seen")
        process.send_signal(2)
        _, stderr = process.communicate(timeout=30)
        self.assertEqual(process.returncode, 130, stderr)
        time.sleep(0.2)
        self.assertFalse(Path(f"/proc/{server}").exists() and "redis" in Path(f"/proc/{server}/cmdline").read_text(),
                         "redis-server outlived the demo")
        self.assertEqual(set(Path("/tmp").glob("sentinel-demo-??????")) - folders, set())

    def test_demo_refuses_a_state_directory_that_is_not_its_own(self):
        work = tempfile.mkdtemp(prefix="sentinel-demo-test-")
        self.addCleanup(shutil.rmtree, work, True)
        os.makedirs(f"{work}/state/snapshots")
        Path(work, "state/snapshots/2026-11-01.json").write_text("{}")
        result = subprocess.run([str(support.sentinel_gen()), "demo", "--state", f"{work}/state", "--output", f"{work}/out"],
                                capture_output=True, text=True, timeout=60, cwd=work)
        self.assertEqual(result.returncode, 2)
        self.assertIn("not the demo's", result.stderr)


if __name__ == "__main__":
    unittest.main()
