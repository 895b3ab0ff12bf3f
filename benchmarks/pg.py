"""A throwaway PostgreSQL server for the ``pg`` backend, started through ``.ci/pg.sh``.

The script prints two ``export`` lines; they are parsed here instead of being
``eval``-ed by a shell, so the benchmark needs no shell wrapper. A server this
module started is always stopped again (also on Ctrl-C), and one given through
``ASYNCFACTORIES_TEST_PG_URL`` is never touched.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

__all__ = ("PG_URL_ENV", "postgres_url", "server_version")

PG_URL_ENV = "ASYNCFACTORIES_TEST_PG_URL"
_SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "pg.sh"
_EXPORT = re.compile(r"^export (?P<name>\w+)=(?P<value>\S+)$")


def _start() -> tuple[str, str]:
    """Start a server; return its URL and data directory."""
    done = subprocess.run(
        ["bash", str(_SCRIPT), "start"], capture_output=True, text=True, check=False, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"{_SCRIPT} start failed ({done.returncode}): {done.stderr.strip()}")
    exports = {}
    for line in done.stdout.splitlines():
        match = _EXPORT.match(line.strip())
        if match:
            exports[match["name"]] = match["value"]
    try:
        return exports[PG_URL_ENV], exports["PGDATA_DIR"]
    except KeyError:
        raise RuntimeError(f"unexpected output of {_SCRIPT} start: {done.stdout!r}") from None


def _stop(data_dir: str) -> None:
    subprocess.run(["bash", str(_SCRIPT), "stop", data_dir], check=False, timeout=120)


@contextmanager
def postgres_url() -> Iterator[str]:
    """Yield an asyncpg URL: ``$ASYNCFACTORIES_TEST_PG_URL``, or a server started for the block."""
    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    url, data_dir = _start()
    try:
        yield url
    finally:
        _stop(data_dir)


async def server_version(url: str) -> str:
    """The server's version string (``SHOW server_version``), for the run's machine info."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()
