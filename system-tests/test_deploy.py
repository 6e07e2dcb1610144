"""Deploying the site as docs/deploying.md shows it: nginx serving the
`--output` symlink while builds swap releases under it, and `aws s3 sync`
to a local S3 (moto's server). The nginx server block and the sync
commands are read from the doc's fences, so the tests check what the doc
shows; only what a test must change is changed (the listen address, the
root, the certificate lines; the S3 endpoint).

The state is snapshot files from bench/generate_snapshots.py, one more day
copied in before each build.

Run from this folder (after `swift build`, or with SENTINEL_GEN set)::

    python3 -m unittest test_deploy -v
"""

from __future__ import annotations

import fnmatch
import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import threading
import time
import unittest
from datetime import date, datetime, time as clock, timedelta, timezone
from pathlib import Path

import support

DOC = support.REPO_ROOT / "docs/deploying.md"
TEMPLATES = str(support.REPO_ROOT / "site-template")
# 90 days of snapshots, the last one (in progress) never used; a site
# starts with the first 60, and each build adds the next day.
POOL_DAYS, FIRST_DAYS = 90, 60
END = date(2026, 11, 25)
SWAPS = 20   # builds while nginx serves the site

POOL = ""   # the folder holding the generated snapshots/


def setUpModule():  # noqa: N802 - unittest's name
    global POOL
    POOL = tempfile.mkdtemp(prefix="sentinel-deploy-pool-")
    generated = support.run_bounded([sys.executable, support.REPO_ROOT / "bench/generate_snapshots.py",
                                     "--days", str(POOL_DAYS), "--end", END.isoformat(), POOL], timeout=60)
    if generated.returncode != 0:
        raise RuntimeError(f"generate_snapshots.py failed: {generated}")


def tearDownModule():  # noqa: N802
    shutil.rmtree(POOL, ignore_errors=True)


def fences(language: str) -> "list[str]":
    """The bodies of the doc's ```language fences."""
    return re.findall(rf"^```{language}\n(.*?)^```$", DOC.read_text("utf-8"), re.S | re.M)


def build(work: str, days: int) -> str:
    """Puts the first `days` snapshots of the pool into work/state and runs
    `sentinel-gen build` into work/output, --now half an hour after the
    last day's capture. Returns the published release's id."""
    folder = Path(work, "state/snapshots")
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(os.listdir(Path(POOL, "snapshots")))[:days]
    for name in names:
        if not (folder / name).exists():
            shutil.copyfile(Path(POOL, "snapshots", name), folder / name)
    last = date.fromisoformat(names[-1].removesuffix(".json"))
    now = datetime.combine(last + timedelta(days=1), clock(0, 30), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = support.run_bounded([support.sentinel_gen(), "build", "--state", "state", "--output", "output",
                                  "--templates", TEMPLATES, "--now", now], timeout=120, cwd=work)
    if result.returncode != 0:
        raise AssertionError(f"the build failed: {result}")
    published = re.search(r"published output -> output\.releases/([^/:\s]+)", result.stderr)
    if published is None:
        raise AssertionError(f"the build did not say it published: {result.stderr}")
    if os.readlink(Path(work, "output")) != f"output.releases/{published.group(1)}":
        raise AssertionError(f"output -> {os.readlink(Path(work, 'output'))}, but the build said {published.group(1)}")
    return published.group(1)


def files(root) -> "dict[str, bytes]":
    """Every file under `root` (the symlink followed): relative path -> bytes."""
    found = {}
    for folder, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = Path(path).read_bytes()
    return found


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- nginx -------------------------------------------------------------------

def server_block(port: int, root: str) -> str:
    """The doc's nginx server block with the test's listen address and root,
    the ssl_ lines dropped."""
    blocks = fences("nginx")
    if len(blocks) != 1:
        raise AssertionError(f"docs/deploying.md has {len(blocks)} nginx fences, expected 1")
    lines, listens, roots = [], 0, 0
    for line in blocks[0].splitlines():
        directive = line.strip()
        if directive.startswith("ssl_"):
            continue
        if directive.startswith("listen "):
            line, listens = f"    listen 127.0.0.1:{port};", listens + 1
        elif directive.startswith("root "):
            line, roots = f'    root "{root}";', roots + 1
        lines.append(line)
    if (listens, roots) != (1, 1):
        raise AssertionError(f"the doc's server block has {listens} listen and {roots} root lines, expected 1 each")
    return "\n".join(lines) + "\n"


# What the doc's block promises per file: the type (nginx's mime.types, the
# `charset utf-8` of its charset_types, the block's own types for .md and
# .csv) and the Cache-Control of the location that serves it.
NGINX_TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json", ".xml": "text/xml; charset=utf-8",
               ".md": "text/markdown; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".css": "text/css",
               ".js": "application/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def promised_cache(path: str) -> str:
    if path == "api/health.json":
        return "no-store"
    if path.startswith("assets/"):
        return "public, max-age=3600"
    return "no-cache"


def get(port: int, path: str) -> "tuple[int, http.client.HTTPMessage, bytes]":
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Reader(threading.Thread):
    """GETs `paths` in turn over keep-alive connections, as fast as it can,
    until stopped (or 10 minutes, or a million requests). Keeps the count,
    the problems (first 50), and how often each body (its digest) was seen."""

    def __init__(self, port: int, paths: "list[str]") -> None:
        super().__init__(daemon=True)
        self.port, self.paths = port, paths
        self.stopped = threading.Event()
        self.count = 0
        self.problems: "list[str]" = []
        self.problem_count = 0
        self.seen: "dict[str, dict[str, int]]" = {path: {} for path in paths}

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < 50:
            self.problems.append(text)

    def run(self) -> None:
        connection = None
        deadline = time.monotonic() + 600
        turn = 0
        while not self.stopped.is_set() and time.monotonic() < deadline and self.count < 1_000_000:
            path = self.paths[turn % len(self.paths)]
            turn += 1
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.count += 1
                self.problem(f"{path}: {error!r}")
                connection.close()
                connection = None
                continue
            self.count += 1
            if response.status != 200:
                self.problem(f"{path}: status {response.status}")
            elif path == "/" or path.endswith(".html"):
                if not body.rstrip().endswith(b"</html>"):
                    self.problem(f"{path}: not a whole page ({len(body)} bytes, ends {body[-40:]!r})")
            elif path.endswith(".json"):
                try:
                    json.loads(body)
                except ValueError as error:
                    self.problem(f"{path}: not JSON ({error}, {len(body)} bytes)")
            elif not body:
                self.problem(f"{path}: empty")
            key = digest(body)
            self.seen[path][key] = self.seen[path].get(key, 0) + 1
        if connection is not None:
            connection.close()


class Nginx(unittest.TestCase):
    """nginx with the doc's server block, its root the test's --output symlink."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sentinel-deploy-nginx-")
        cls.addClassCleanup(shutil.rmtree, cls.work, True)
        cls.days = FIRST_DAYS
        build(cls.work, cls.days)
        cls.output = os.path.join(cls.work, "output")
        cls.nginx = support.Nginx(lambda port: server_block(port, cls.output), prefix=os.path.join(cls.work, "nginx"))
        cls.addClassCleanup(cls.nginx.stop)

    def test_every_file_has_the_promised_type_and_cache_header_and_a_missing_one_gets_404_html(self):
        self.assertIn("test is successful", self.nginx.checked.stderr)
        site = files(self.output)
        for path, data in sorted(site.items()):
            with self.subTest(path=path):
                status, headers, body = get(self.nginx.port, "/" + path)
                self.assertEqual(status, 200)
                self.assertEqual(body, data)
                self.assertEqual(headers["Content-Type"], NGINX_TYPES.get(Path(path).suffix, "(a file of no known kind)"))
                self.assertEqual(headers.get_all("Cache-Control"), [promised_cache(path)])
        status, headers, body = get(self.nginx.port, "/")
        self.assertEqual((status, headers["Content-Type"], body), (200, "text/html; charset=utf-8", site["index.html"]))
        for missing in ("/no-such-page.html", "/no-such-folder/", "/reports/daily/1999-01-01.md", "/data/nothing.csv",
                        "/api/nothing.json", "/assets/nothing.css"):
            with self.subTest(missing=missing):
                status, headers, body = get(self.nginx.port, missing)
                self.assertEqual(status, 404)
                self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
                self.assertEqual(body, site["404.html"])
        print(f"\nnginx: {len(site)} files, each with its type and cache header", file=sys.stderr)

    def test_readers_get_whole_files_of_one_release_while_builds_swap_the_symlink(self):
        release = Path(self.output).resolve()
        month = sorted(n for n in os.listdir(release / "reports/monthly") if n.endswith(".md"))[-1].removesuffix(".md")
        day = sorted(n for n in os.listdir(release / "reports/daily") if n.endswith(".md"))[-1].removesuffix(".md")
        watched = {"/": "index.html", "/index.html": "index.html", "/reports/index.html": "reports/index.html",
                   f"/reports/monthly/{month}.html": f"reports/monthly/{month}.html",
                   f"/reports/daily/{day}.md": f"reports/daily/{day}.md", "/api/health.json": "api/health.json",
                   "/api/overview.json": "api/overview.json", "/data/metrics.csv": "data/metrics.csv",
                   "/assets/style.css": "assets/style.css"}
        published = {path: set() for path in watched}

        def record(release_id: str) -> None:
            for path, file in watched.items():
                published[path].add(digest(Path(self.work, "output.releases", release_id, file).read_bytes()))

        record(os.path.basename(release))
        reader = Reader(self.nginx.port, list(watched))
        reader.start()
        self.addCleanup(reader.join, 30)
        self.addCleanup(reader.stopped.set)
        waited = time.monotonic() + 10
        while reader.count < len(watched) and time.monotonic() < waited:
            time.sleep(0.01)
        releases = []
        for _ in range(SWAPS):
            type(self).days += 1
            releases.append(build(self.work, self.days))
            record(releases[-1])
        reader.stopped.set()
        reader.join(30)
        self.assertFalse(reader.is_alive())
        self.assertEqual(len(set(releases)), SWAPS, "each build published a new release")

        self.assertEqual(reader.problems, [], f"{reader.problem_count} of {reader.count} requests went wrong")
        self.assertGreater(reader.count, 200)
        for path, seen in reader.seen.items():
            self.assertLessEqual(set(seen), published[path], f"{path}: a body no release held")
        health_versions = len(reader.seen["/api/health.json"])
        self.assertGreaterEqual(health_versions, 2, "the reader saw no swap")
        print(f"\nnginx during {SWAPS} swaps: {reader.count:,} requests, all 200 and whole, "
              f"{health_versions} releases seen", file=sys.stderr)


# --- object storage ------------------------------------------------------------

def sync_recipes() -> "list[list[list[str]]]":
    """Each ```sh fence's `aws s3 sync` commands (continuations joined, the
    parts of an `&&` chain apart), as argument lists."""
    recipes = []
    for block in fences("sh"):
        commands = []
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                words = shlex.split(part)
                if words[:3] == ["aws", "s3", "sync"]:
                    commands.append(words)
        if commands:
            recipes.append(commands)
    return recipes


class Sync:
    """One `aws s3 sync` command of the doc: its source folder (relative to
    the site), its s3:// destination, its filters (aws's: in order, the
    last that matches decides), its cache header and content type."""

    def __init__(self, words: "list[str]") -> None:
        self.words = words
        at = next(i for i, word in enumerate(words) if word.startswith("s3://"))
        self.source, self.destination = words[at - 1], words[at]
        if not (self.source == "output/" or self.source.startswith("output/")):
            raise AssertionError(f"a sync whose source is not under output/: {shlex.join(words)}")
        self.folder = self.source.removeprefix("output/")
        self.bucket, _, self.prefix = self.destination.removeprefix("s3://").partition("/")
        self.filters = [(word, words[i + 1]) for i, word in enumerate(words) if word in ("--exclude", "--include")]
        self.cache = next((words[i + 1] for i, word in enumerate(words) if word == "--cache-control"), None)
        self.content_type = next((words[i + 1] for i, word in enumerate(words) if word == "--content-type"), None)

    def key(self, path: str) -> "str | None":
        """The object this command makes of the site's file `path`, or None."""
        if not path.startswith(self.folder):
            return None
        inside = path[len(self.folder):]
        included = True
        for kind, pattern in self.filters:
            if fnmatch.fnmatch(inside, pattern):
                included = kind == "--include"
        return self.prefix + inside if included else None


S3_TYPES = {".html": {"text/html"}, ".json": {"application/json"}, ".css": {"text/css"}, ".csv": {"text/csv"},
            ".xml": {"application/atom+xml", "application/xml", "text/xml"}, ".md": {"text/markdown", "text/x-markdown"},
            ".js": {"application/javascript", "text/javascript", "application/x-javascript"}, ".svg": {"image/svg+xml"}}


class ObjectStorage(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="sentinel-deploy-s3-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.moto = support.MotoServer()
        self.addCleanup(self.moto.stop)
        self.environment = support.MotoServer.environment()
        self.aws = shutil.which("aws")
        self.assertIsNotNone(self.aws, "aws is not on PATH: run scripts/bootstrap (pip install awscli)")
        import boto3  # moto's dependency: reads the bucket back
        self.s3 = boto3.client("s3", endpoint_url=self.moto.url, aws_access_key_id="test",
                               aws_secret_access_key="test", region_name="us-east-1")

    def run_aws(self, words: "list[str]") -> str:
        """`aws` with --endpoint-url, in the work folder (where output/ is); its stdout."""
        result = support.run_bounded([self.aws, "--endpoint-url", self.moto.url, *words[1:]], timeout=120,
                                     env=self.environment, cwd=self.work)
        self.assertEqual(result.returncode, 0, f"{shlex.join(words)}: {result}")
        return result.stdout

    def sync(self, recipe: "list[Sync]") -> "tuple[set, set]":
        """Runs a recipe's commands; the keys each uploaded and deleted, as its output says."""
        uploaded, deleted = set(), set()
        for command in recipe:
            for line in re.split(r"[\r\n]+", self.run_aws(command.words)):
                line = line.rstrip()
                if match := re.match(r"upload: \S+ to s3://([^/]+)/(\S+)$", line):
                    self.assertEqual(match.group(1), command.bucket)
                    uploaded.add(match.group(2))
                elif match := re.match(r"delete: s3://([^/]+)/(\S+)$", line):
                    deleted.add(match.group(2))
        return uploaded, deleted

    def bucket(self, bucket: str, prefix: str) -> "dict[str, dict]":
        """Every object under `prefix`: key -> body, ContentType, CacheControl."""
        objects = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                answer = self.s3.get_object(Bucket=bucket, Key=item["Key"])
                objects[item["Key"]] = {"body": answer["Body"].read(), "type": answer.get("ContentType"),
                                        "cache": answer.get("CacheControl")}
        return objects

    def expected(self, recipe: "list[Sync]", site: "dict[str, bytes]") -> "dict[str, tuple]":
        """key -> (the site's file, its cache header): each file goes to the
        last command that takes it (the later sync overwrites)."""
        objects = {}
        for path in site:
            taken = [(command.key(path), command) for command in recipe if command.key(path) is not None]
            self.assertTrue(taken, f"no command of the recipe uploads {path}")
            key, command = taken[-1]
            objects[key] = (path, command.cache, command.content_type)
        return objects

    def check_bucket(self, recipe: "list[Sync]", site: "dict[str, bytes]") -> None:
        root = recipe[0]
        read = self.bucket(root.bucket, root.prefix)
        expected = self.expected(recipe, site)
        self.assertEqual(sorted(read), sorted(expected), "the bucket holds the site's files, and only them")
        for key, (path, cache, content_type) in expected.items():
            with self.subTest(key=key):
                self.assertEqual(read[key]["body"], site[path])
                media = (read[key]["type"] or "").split(";")[0].strip()
                self.assertIn(media, S3_TYPES.get(Path(path).suffix, {"(a file of no known kind)"}))
                if content_type is not None:
                    self.assertEqual(read[key]["type"], content_type)
                self.assertEqual(read[key]["cache"], cache)

    def test_aws_s3_sync_uploads_the_site_then_only_what_changed(self):
        recipes = [[Sync(words) for words in recipe] for recipe in sync_recipes()]
        self.assertGreaterEqual(len(recipes), 1, "docs/deploying.md shows no `aws s3 sync`")
        for recipe in recipes:
            for command in recipe[1:]:
                self.assertEqual(command.bucket, recipe[0].bucket)
                self.assertTrue(command.prefix.startswith(recipe[0].prefix), shlex.join(command.words))
        for bucket in sorted({recipe[0].bucket for recipe in recipes}):
            self.run_aws(["aws", "s3", "mb", f"s3://{bucket}"])

        first = build(self.work, FIRST_DAYS)
        site = files(os.path.join(self.work, "output"))
        # S3 keeps LastModified in whole seconds: an upload in the second the
        # build wrote a file would look older than the file on the next sync.
        newest = max(os.stat(path).st_mtime for path in Path(self.work, "output.releases", first).rglob("*"))
        while time.time() < int(newest) + 1.05:
            time.sleep(0.05)
        for recipe in recipes:
            uploaded, deleted = self.sync(recipe)
            self.assertEqual(uploaded, set(self.expected(recipe, site)))
            self.assertEqual(deleted, set())
            self.check_bucket(recipe, site)

        # One more day: a stray object stands for a file an older release had.
        for recipe in recipes:
            self.s3.put_object(Bucket=recipe[0].bucket, Key=recipe[0].prefix + "reports/daily/2000-01-01.html",
                               Body=b"<html></html>")
        second = build(self.work, FIRST_DAYS + 1)
        before = Path(self.work, "output.releases", first)
        after = Path(self.work, "output.releases", second)
        new_site = files(after)
        changed = {path for path, data in new_site.items() if site.get(path) != data}
        for path in set(new_site) - changed:   # hard links to the first release, mtime and all
            self.assertEqual(os.stat(after / path).st_ino, os.stat(before / path).st_ino, path)
        self.assertGreater(len(changed), 0)
        self.assertLess(len(changed), len(new_site) // 4)
        counts = []
        for recipe in recipes:
            uploaded, deleted = self.sync(recipe)
            expected = self.expected(recipe, new_site)
            self.assertEqual(uploaded, {key for key, (path, *_) in expected.items() if path in changed},
                             "the second sync uploads exactly the files whose bytes changed")
            self.assertEqual(deleted, {recipe[0].prefix + "reports/daily/2000-01-01.html"})
            self.check_bucket(recipe, new_site)
            counts.append(f"{len(uploaded)} uploaded to {recipe[0].destination}")
        print(f"\ns3 sync: {len(site)} then {len(new_site)} files; the second sync: {len(changed)} changed, "
              + ", ".join(counts), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
