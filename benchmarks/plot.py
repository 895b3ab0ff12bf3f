"""The chart: rows/s per tool and backend for the batch scenarios, as grouped bars.

Log scale, because the tools span two orders of magnitude (a per-object
factory at ~1k rows/s, COPY at >100k); whiskers are the min-max over the
repetitions. Chains are drawn in rows/s (chains/s x rows per chain) so both
panels share one unit. Agg backend: no display is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: headless runs have no display

import matplotlib.pyplot as plt  # after matplotlib.use, on purpose

__all__ = ("plot_rates",)

PANELS = ("b", "c")
TOOLS = {
    "floor": "floor\n(no DB)",
    "fb_none": "factory_boy\nNone",
    "fb_flush": "factory_boy\nflush",
    "fb_commit": "factory_boy\ncommit",
    "pf_async": "polyfactory\nasync",
    "afb_async": "async-\nfactory-boy",
    "af_create": "async-\nfactories",
    "orm_async": "ORM add_all\n+flush",
    "core_async": "limit A\nCore",
    "copy_asyncpg": "limit B\nCOPY",
}
COLOURS = {"sqlite-mem": "#4c72b0", "sqlite-file": "#55a868", "pg": "#c44e52"}


def plot_rates(doc: dict[str, Any], path: Path) -> None:
    """Draw scenarios (b) and (c) of a loaded result into ``path`` (PNG)."""
    panels = [k for k in PANELS if k in doc["scenarios"]]
    if not panels:
        return
    fig, axes = plt.subplots(len(panels), 1, figsize=(12, 4.5 * len(panels)), squeeze=False)
    for ax, key in zip(axes[:, 0], panels, strict=True):
        meta = doc["scenarios"][key]
        backends = [(b, d) for b, d in doc["backends"].items() if key in d["scenarios"]]
        tools = [t for t in TOOLS if any(t in d["scenarios"][key]["summary"] for _, d in backends)]
        width = 0.8 / max(1, len(backends))
        for index, (backend, data) in enumerate(backends):
            scenario = data["scenarios"][key]
            per = scenario.get("rows_per_item") or 1
            xs, heights, low, high = [], [], [], []
            for position, tool in enumerate(tools):
                entry = scenario["summary"].get(tool)
                if entry is None:
                    continue
                rate = entry["rate"]
                xs.append(position + (index - (len(backends) - 1) / 2) * width)
                heights.append(rate["med"] * per)
                low.append((rate["med"] - rate["min"]) * per)
                high.append((rate["max"] - rate["med"]) * per)
            ax.bar(
                xs,
                heights,
                width,
                yerr=[low, high],
                capsize=2,
                label=data["title"],
                color=COLOURS.get(backend),
            )
        ax.set_yscale("log")
        ax.set_xticks(range(len(tools)), [TOOLS[t] for t in tools], fontsize=8)
        ax.set_ylabel("rows/s (log)")
        ax.set_title(f"({key}) {meta['title']}, N={meta['n']}: rows/s, median and min-max")
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
