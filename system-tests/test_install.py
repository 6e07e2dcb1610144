"""`scripts/install` as a user runs it: a self-contained binary that finds
its templates relative to itself, `sentinel-gen init`, and the systemd
units verified against the installed binary.

Run from this folder::

    python3 -m unittest test_install -v

It builds a release with the Swift runtime linked statically (a few
minutes the first time; `.build-static` keeps it for the next run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import support

CLEAN_ENV = {"PATH": "/usr/bin:/bin"}


class InstallTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = Path(tempfile.mkdtemp(prefix="sentinel-install-"))
        environment = dict(os.environ, SENTINEL_SKIP_BOOTSTRAP="1")
        result = subprocess.run([str(support.REPO_ROOT / "scripts/install"), str(cls.prefix)], capture_output=True, text=True,
                                env=environment, timeout=1800)
        if result.returncode != 0:
            shutil.rmtree(cls.prefix, ignore_errors=True)
            raise AssertionError(f"scripts/install failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        cls.binary = cls.prefix / "bin/sentinel-gen"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, ignore_errors=True)

    def scratch(self) -> Path:
        work = Path(tempfile.mkdtemp(prefix="sentinel-installed-"))
        self.addCleanup(shutil.rmtree, work, True)
        return work

    def installed(self, *arguments: str, cwd: Path) -> subprocess.CompletedProcess:
        """The installed binary, with an environment that has no toolchain on PATH."""
        return subprocess.run([str(self.binary), *arguments], capture_output=True, text=True, env=CLEAN_ENV, cwd=cwd, timeout=120)

    def test_the_binary_needs_no_swift_toolchain(self):
        linked = subprocess.run(["ldd", str(self.binary)], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("not found", linked)
        self.assertNotIn("swift", linked.lower(), linked)
        libraries = sorted(re.findall(r"^\s*(\S+\.so[.\d]*)", linked, re.M))
        self.assertTrue(any("hiredis" in name for name in libraries) and any("cmark-gfm" in name for name in libraries), libraries)
        # libcurl and its TLS libraries are opened when Sentinel first sends, not at every start.
        self.assertFalse(any("curl" in name or "gnutls" in name for name in libraries), libraries)
        version = self.installed("--version", cwd=self.scratch())
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertRegex(version.stdout.strip(), r"^\d+\.\d+\.\d+$")
        size = self.binary.stat().st_size
        print(f"\ninstalled binary: {size / 1e6:.1f} MB, links {', '.join(libraries)}")

    def test_init_then_build_from_another_folder(self):
        work = self.scratch()
        first = self.installed("init", "site", cwd=work)
        self.assertEqual(first.returncode, 0, first.stderr)
        folder = work / "site"
        config = folder / "sentinel.toml"
        self.assertTrue(config.is_file() and (folder / "state").is_dir() and (folder / "output").is_dir())
        for step in ("cron", "*/15 * * * *", "systemd", "nginx", str(self.binary)):
            self.assertIn(step, first.stdout)
        # Every key is in the file, set to its default.
        text = config.read_text()
        for key in ("timezone", "[redis]", "password_env", "[alerts]", "webhooks", "[telegram]", "[email]", "sendmail"):
            self.assertIn(key, text)
        # It never overwrites.
        config.write_text(text + "# edited\n")
        again = self.installed("init", "site", cwd=work)
        self.assertEqual(again.returncode, 2, again.stderr)
        self.assertIn("sentinel.toml exists", again.stderr)
        self.assertTrue(config.read_text().endswith("# edited\n"))
        # The templates come from PREFIX/share/sentinel, found relative to the binary.
        subprocess.run(["python3", str(support.REPO_ROOT / "bench/generate_snapshots.py"), "--days", "9", "--end", "2026-11-25",
                        str(folder / "state")], check=True, capture_output=True)
        built = self.installed("build", "--now", "2026-11-25T22:00:00Z", cwd=folder)
        self.assertEqual(built.returncode, 0, built.stderr)
        site = folder / "output"
        self.assertTrue(site.is_symlink() and (site / "index.html").is_file() and (site / "assets/chart.min.js").is_file())
        self.assertTrue((site / "reports/daily/2026-11-25.html").is_file())

    def test_the_systemd_units_verify_against_the_installed_binary(self):
        if shutil.which("systemd-analyze") is None:
            self.fail("systemd-analyze is not installed: run scripts/bootstrap")
        units = self.scratch()
        for name in ("sentinel.service", "sentinel.timer"):
            text = (self.prefix / "share/sentinel/systemd" / name).read_text()
            (units / name).write_text(text.replace("/usr/local/bin/sentinel-gen", str(self.binary)))
        verified = subprocess.run(["systemd-analyze", "verify", "./sentinel.service", "./sentinel.timer"], cwd=units,
                                  capture_output=True, text=True, timeout=60)
        self.assertEqual(verified.returncode, 0, verified.stdout + verified.stderr)
        service = (units / "sentinel.service").read_text()
        for setting in ("Type=oneshot", "User=sentinel", "ProtectSystem=strict", "ReadWritePaths=/var/lib/sentinel",
                        "EnvironmentFile=-/etc/sentinel/sentinel.env"):
            self.assertIn(setting, service)
        timer = (units / "sentinel.timer").read_text()
        self.assertIn("OnCalendar=*:0/15", timer)
        self.assertIn("Persistent=true", timer)
        # A unit naming a binary that is not there does not verify: the check above can fail.
        (units / "broken.service").write_text(service.replace(str(self.binary), str(self.prefix / "bin/missing")))
        broken = subprocess.run(["systemd-analyze", "verify", "./broken.service"], cwd=units, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(broken.returncode, 0)


if __name__ == "__main__":
    unittest.main()
