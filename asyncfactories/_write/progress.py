"""Progress reporting for load(): a callable, or a rich progress bar on a terminal."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from typing import Any

from asyncfactories._errors import FactoryArgumentError

__all__ = ("Reporter", "reporter")


class Reporter:
    """Receives the cumulative committed count; ``close()`` ends the display."""

    def __init__(
        self, update: Callable[[int], object], close: Callable[[], object] | None = None
    ) -> None:
        self.update = update
        self._close = close

    def close(self) -> None:
        """Finish the display, if there is one."""
        if self._close is not None:
            self._close()


def reporter(progress: object, total: int, label: str) -> Reporter | None:
    """Turn load()'s ``progress`` argument into a :class:`Reporter` (or None)."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return _rich_bar(total, label) if sys.stderr.isatty() else _plain_lines(total, label)
    if callable(progress):
        return Reporter(progress)
    raise FactoryArgumentError(
        label,
        None,
        f"progress={progress!r} is neither True nor a callable",
        "pass True or a function of the count",
    )


def _rich_bar(total: int, label: str) -> Reporter:
    try:
        progress_module: Any = importlib.import_module("rich.progress")
    except ImportError:
        raise FactoryArgumentError(
            label,
            None,
            "progress=True needs rich",
            "pip install 'asyncfactories[cli]', or pass a callable",
        ) from None
    bar = progress_module.Progress(
        progress_module.TextColumn("[bold]{task.description}"),
        progress_module.BarColumn(),
        progress_module.MofNCompleteColumn(),
        progress_module.TextColumn("{task.fields[rate]} rows/s"),
        progress_module.TimeRemainingColumn(),
        transient=False,
    )
    task = bar.add_task(label, total=total, rate="-")
    started = time.perf_counter()
    bar.start()

    def update(count: int) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        bar.update(task, completed=count, rate=f"{count / elapsed:,.0f}")

    return Reporter(update, bar.stop)


def _plain_lines(total: int, label: str) -> Reporter:
    # Not a terminal (CI logs, pipes): a line every few seconds instead of a bar.
    started = time.perf_counter()
    last = [0.0]
    printed = [-1]

    def update(count: int) -> None:
        now = time.perf_counter()
        if count == printed[0]:  # the same count again (a close after the last chunk)
            return
        if now - last[0] >= 2.0 or count >= total:
            last[0], printed[0] = now, count
            rate = count / max(now - started, 1e-9)
            print(
                f"{label}: {count:,}/{total:,} rows ({rate:,.0f} rows/s)",
                file=sys.stderr,
                flush=True,
            )

    return Reporter(update)
