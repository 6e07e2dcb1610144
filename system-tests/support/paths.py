"""Where the repository and the built sentinel-gen are."""

from __future__ import annotations

import os
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parents[2]


def sentinel_gen() -> Path:
    configured = os.environ.get("SENTINEL_GEN")
    if configured:
        return Path(configured)
    for build in ("debug", "release"):
        candidate = REPO_ROOT / ".build" / build / "sentinel-gen"
        if candidate.exists():
            return candidate
    raise RuntimeError("sentinel-gen is not built: run `swift build` at the repository root, or set SENTINEL_GEN")
