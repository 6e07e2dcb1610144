"""A run turns the release it would prune into the new one (docs/site.md,
"Publishing: releases and the atomic swap"): once three old releases are
kept, the oldest is renamed into the staging folder and only what differs
from the new site is changed in it. The result must be indistinguishable
from a release made by linking: the same bytes as a fresh build, every
unchanged file the previous release's very inode, nothing of the old
release left over, the newest mtime for pruning, and a failed build never
touching the live site.

Run from the repository root (after `swift build`, or with SENTINEL_GEN set)::

    python3 -m unittest discover -s system-tests -p 'test_release_recycling.py' -v
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import support
from test_report_charts import BENCH_CONFIG, TEMPLATES, add_a_day, build, generate_snapshots, published, tree

DAYS = 60
# Days end here and one is added per build; every --now stays in the past.
END, START = date(2026, 11, 10), datetime(2026, 11, 10, 9, tzinfo=timezone.utc)


def now(k: int) -> str:
    return (START + timedelta(days=k)).strftime("%Y-%m-%dT%H:%M:%SZ")


def tree_of(release: Path) -> "dict[str, tuple[int, bytes]]":
    """Relative path -> (inode, bytes) of every file of a release folder."""
    return {str(p.relative_to(release)): (p.stat().st_ino, p.read_bytes())
            for p in sorted(release.rglob("*")) if p.is_file() and not p.is_symlink()}


def releases(out: str) -> "list[Path]":
    """The release folders beside `out`, oldest first (by mtime, as pruning orders them)."""
    folder = Path(f"{out}.releases")
    found = [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and len(p.name) == 16]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


class ReleaseRecyclingTests(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="sentinel-recycle-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.state, self.out = f"{self.work}/state", f"{self.work}/out"
        generate_snapshots(self.state, DAYS, END)
        self.config = f"{self.work}/sentinel.toml"
        Path(self.config).write_text(BENCH_CONFIG, "utf-8")
        self.k = 0
        build(self.state, self.out, now(0), self.config)

    def next_day(self) -> support.Finished:
        self.k += 1
        add_a_day(self.state)
        return build(self.state, self.out, now(self.k), self.config)

    def assertLikeALinkedRelease(self, previous: Path):  # noqa: N802 - unittest's style
        """The live release against `previous` and a fresh build of the same state and now."""
        new = Path(self.out).resolve()
        fresh = f"{self.work}/fresh-{self.k}"
        build(self.state, fresh, now(self.k), self.config)
        a, b = tree(self.out), tree(fresh)
        self.assertEqual(sorted(set(a) ^ set(b)), [], "files in one tree only")
        self.assertEqual([name for name in a if a[name] != b[name]], [], "files that differ")
        self.assertEqual(new.name, Path(fresh).resolve().name)
        for path in new.rglob("*"):
            self.assertFalse(path.is_symlink(), f"{path}: a link in the release")
            if not path.is_file():
                continue
            old = previous / path.relative_to(new)
            same_bytes = old.is_file() and old.read_bytes() == path.read_bytes()
            same_inode = old.is_file() and os.stat(old).st_ino == os.stat(path).st_ino
            self.assertEqual(same_bytes, same_inode, f"{path.relative_to(new)}: unchanged iff the previous file")

    def test_the_oldest_release_becomes_the_new_one(self):
        for _ in range(3):
            self.next_day()
        old = releases(self.out)
        self.assertEqual(len(old), 4)
        oldest, previous = old[0], Path(self.out).resolve()
        self.assertNotEqual(oldest, previous)
        # Damage the oldest release in every way a recycled one can be wrong:
        # a file nobody listed, a folder nobody listed, a file that is no
        # longer the live one (same size, another inode), a file gone.
        (oldest / "reports/daily/stray.html").write_text("left over", "utf-8")
        (oldest / "reports/stray-folder").mkdir()
        (oldest / "reports/stray-folder/x.txt").write_text("x", "utf-8")
        swapped = oldest / "reports/daily/charts" / sorted(os.listdir(oldest / "reports/daily/charts"))[0]
        size = swapped.stat().st_size
        swapped.unlink()
        swapped.write_bytes(b"z" * size)
        gone = oldest / "reports/daily" / sorted(os.listdir(oldest / "reports/daily"))[0]
        gone.unlink()
        # A link where a folder belongs, into the live release: never followed.
        shutil.rmtree(oldest / "reports/weekly")
        (oldest / "reports/weekly").symlink_to(previous / "reports/weekly")
        folder_inode = oldest.stat().st_ino
        others = {release: tree_of(release) for release in old[1:]}
        written_before = published(self.next_day())[0]
        for release, files in others.items():
            self.assertEqual(tree_of(release), files, f"{release.name}, an old release kept, changed")

        self.assertFalse(oldest.exists(), "the oldest release is still there")
        self.assertEqual(Path(self.out).resolve().stat().st_ino, folder_inode, "the oldest release did not become the new one")
        self.assertEqual(len(releases(self.out)), 4, "a release too many or too few")
        self.assertEqual(releases(self.out)[-1], Path(self.out).resolve(), "the new release is not the newest for pruning")
        self.assertFalse(Path(f"{oldest}.pages").exists(), "the recycled release's record is left")
        self.assertLikeALinkedRelease(previous)
        self.assertLessEqual(written_before, 40)
        # And again, from a recycled one: the steady state of a cron job.
        for _ in range(3):
            previous = Path(self.out).resolve()
            self.next_day()
            self.assertLikeALinkedRelease(previous)
            self.assertEqual(len(releases(self.out)), 4)

    def test_a_build_with_nothing_new_leaves_every_release(self):
        for _ in range(3):
            self.next_day()
        before = {release: tree_of(release) for release in releases(self.out)}
        self.assertEqual(len(before), 4)
        again = build(self.state, self.out, now(self.k), self.config)
        self.assertIn("is up to date", again.stderr)
        self.assertEqual({release: tree_of(release) for release in releases(self.out)}, before)

    def test_a_build_killed_after_recycling_leaves_the_live_site(self):
        for _ in range(3):
            self.next_day()
        folder = Path(f"{self.out}.releases")
        for attempt in range(5):
            live, before = Path(self.out).resolve(), tree(self.out)
            oldest = releases(self.out)[0].stat().st_ino
            add_a_day(self.state)
            self.k += 1
            args = [support.sentinel_gen(), "build", "--state", self.state, "--output", self.out, "--now", now(self.k),
                    "--templates", TEMPLATES, "--config", self.config]
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline, recycled = time.monotonic() + 60, False
            # Killed as soon as the oldest release has become its staging folder.
            while process.poll() is None and time.monotonic() < deadline:
                staging = [p for p in folder.iterdir() if p.name.endswith("-staging")]
                if staging:
                    recycled = staging[0].stat().st_ino == oldest
                    process.kill()
                    break
                time.sleep(0.0005)
            process.wait()
            if process.returncode == -signal.SIGKILL:
                self.assertTrue(recycled, "the staging folder is not the oldest release")
                break
            # It finished first: try again over the site it made.
        else:
            self.skipTest("every build finished before it could be killed")
        self.assertEqual(Path(self.out).resolve(), live)
        self.assertEqual(tree(self.out), before, "the live site changed")
        # The next build removes the leftover and makes the site whole.
        build(self.state, self.out, now(self.k), self.config)
        self.assertEqual([p.name for p in folder.iterdir() if p.name.startswith(".tmp-")], [], "a staging folder is left")
        self.assertLikeALinkedRelease(live)

if __name__ == "__main__":
    unittest.main()
