"""Where and with what a run was made: machine, package versions, and the library's exact state.

The library is edited while benchmarks run, so a commit id alone does not say
what was measured: the SHA-256 of the package's sources does, and the list of
files that differ from the commit says why it differs. Git is only read, with
``--no-optional-locks`` so that not even the index is refreshed.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ("describe",)

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "asyncfactories",
    "SQLAlchemy",
    "greenlet",
    "aiosqlite",
    "asyncpg",
    "psycopg",
    "psycopg-binary",
    "Faker",
    "factory_boy",
    "polyfactory",
    "async-factory-boy",
    "typing_extensions",
    "matplotlib",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def _source_sha() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "asyncfactories").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def describe(postgres: str | None = None) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Return (machine info, package versions, library state)."""
    machine = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql_server": postgres,
    }
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    status = _git("status", "--porcelain", "--", "asyncfactories")
    library = {
        "commit": _git("rev-parse", "HEAD"),
        "changed_files": [line[3:] for line in status.splitlines()] if status else [],
        "source_sha256": _source_sha(),
    }
    return machine, packages, library
