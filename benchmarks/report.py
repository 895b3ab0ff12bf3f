"""``python -m benchmarks.report [RESULT.json ...]``: the markdown tables and the chart, from the JSON.

With no argument the newest ``run-*.json`` is used (other JSON files there
belong to other benchmarks); with several, they are
merged backend by backend (a later file's backend replaces an earlier one's),
so a PostgreSQL-only rerun can be combined with an earlier SQLite run.
Medians and ratios are recomputed from the raw per-repetition times, with
the same code the runner used (:func:`benchmarks.stats.summarize`).
Writes ``latest.md`` and ``latest.png`` next to the results.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.plot import plot_rates
from benchmarks.stats import summarize

__all__ = ("load", "main", "render", "write_latest")

RESULTS = Path(__file__).resolve().parent / "results"
GEN_ORDER = ("floor", "floor_fast", "orm_construct", "fb_build", "pf_build", "af_build")
DB_ORDER = (
    "fb_none",
    "fb_flush",
    "fb_commit",
    "pf_async",
    "pf_norefresh",
    "afb_async",
    "af_create",
    "core_async",
    "core_sync",
    "orm_async",
    "copy_asyncpg",
)
RTT_ORDER = ("rtt_async", "rtt_sync")
PEER_TITLES = {"fb": "factory_boy", "pf": "polyfactory", "afb": "async-factory-boy"}
FOOTNOTE = (
    "Rates are medians over the repetitions with (min–max). Ratios are taken per repetition, "
    "then the median: ×floor = time per item ÷ the floor's, ×A ÷ Core executemany (limit A), "
    "×B ÷ asyncpg COPY (limit B); a speed-up is the peer's time ÷ asyncfactories' time. "
    "(ᵈ) diagnostic variant, (ʳ) reference, (ˡ) with a lock around its `_save`: two "
    "SubFactories on one model otherwise run concurrently on one AsyncSession and fail. "
    "— not run there (COPY is PostgreSQL only; generation without a DB runs on the first backend)."
)


def load(paths: Sequence[Path]) -> dict[str, Any]:
    """Merge result files (later backends win) and recompute every summary from the raw times."""
    merged: dict[str, Any] = {"sources": [], "scenarios": {}, "cases": {}, "backends": {}}
    for path in paths:
        doc = json.loads(Path(path).read_text())
        merged["sources"].append(
            {
                "file": Path(path).name,
                "started": doc.get("started"),
                "quick": doc.get("quick"),
                "reps": doc.get("reps"),
                "wall_seconds": doc.get("wall_seconds"),
                "backends": list(doc["backends"]),
            }
        )
        for key in ("machine", "packages", "library"):
            merged[key] = doc.get(key, {})
        merged["scenarios"].update(doc["scenarios"])
        merged["cases"].update(doc["cases"])
        for backend, data in doc["backends"].items():
            slot = merged["backends"].setdefault(backend, {"title": data["title"], "scenarios": {}})
            slot["scenarios"].update(data["scenarios"])
    for data in merged["backends"].values():
        for scenario in data["scenarios"].values():
            scenario["summary"] = summarize(scenario["raw"], scenario["n"])
    return merged


def _rate(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "—"
    r = entry["rate"]
    return f"{r['med']:,.0f} ({r['min']:,.0f}–{r['max']:,.0f})"


def _ratio(entry: dict[str, Any] | None, key: str) -> str:
    value = (entry or {}).get(key)
    return "—" if value is None else f"{value['med']:.2f}"


def _label(doc: dict[str, Any], case: str) -> str:
    info = doc["cases"].get(case, {"label": case, "kind": ""})
    label = info["label"]
    if info["kind"] == "ours":
        return f"**{label}**"
    if info["kind"] == "limit":
        return f"**{label.split(':')[0]}**:{label.split(':', 1)[1]}" if ":" in label else label
    return label


def _backend_scenarios(doc: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
    return [(b, d["scenarios"][key]) for b, d in doc["backends"].items() if key in d["scenarios"]]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _gen_table(doc: dict[str, Any], key: str, meta: dict[str, Any]) -> list[str]:
    columns = _backend_scenarios(doc, key)
    present = [c for c in GEN_ORDER if any(c in s["summary"] for _, s in columns)]
    if len(present) < 2:
        return []
    header = ["tool"]
    for backend, _ in columns:
        header += [f"{doc['backends'][backend]['title']} med (min–max)", "µs/item", "×floor"]
    rows = []
    for case in present:
        row = [_label(doc, case)]
        for _, scenario in columns:
            entry = scenario["summary"].get(case)
            us = "—" if entry is None else f"{entry['us_per_item']:.1f}"
            row += [_rate(entry), us, _ratio(entry, "x_floor")]
        rows.append(row)
    title = f"#### Generation only, {meta['title']} ×{meta['n']} (no DB) — {meta['unit'] if meta['unit'] != 'rows' else 'objects'}/s"
    return [title, "", *_table(header, rows), ""]


def _db_table(doc: dict[str, Any], key: str, meta: dict[str, Any]) -> list[str]:
    columns = _backend_scenarios(doc, key)
    present = [c for c in DB_ORDER if any(c in s["summary"] for _, s in columns)]
    if not present:
        return []
    # xB only where COPY ran (PostgreSQL, batch scenarios).
    keys = {
        b: ("x_A", "x_floor", "x_B") if "copy_asyncpg" in s["summary"] else ("x_A", "x_floor")
        for b, s in columns
    }
    header = ["tool"]
    for backend, _ in columns:
        ratios = " / ".join("×" + k[2:] for k in keys[backend])
        header += [f"{doc['backends'][backend]['title']} med (min–max)", ratios]
    rows = []
    for case in present:
        row = [_label(doc, case)]
        for backend, scenario in columns:
            entry = scenario["summary"].get(case)
            ratios = " / ".join(_ratio(entry, k) for k in keys[backend]) if entry else "—"
            row += [_rate(entry), ratios]
        rows.append(row)
    unit = f"{meta['unit']}/s"
    extra = ""
    if meta["unit"] != "rows":
        per = next((s.get("rows_per_item") for _, s in columns if s.get("rows_per_item")), None)
        extra = f" (×{per:g} = rows/s)" if per else ""
    title = f"#### ({key}) {meta['title']}, N={meta['n']} — {unit}{extra}"
    return [title, "", *_table(header, rows), ""]


def _speedups(doc: dict[str, Any]) -> list[str]:
    header = ["scenario", "backend", "asyncfactories", "×floor", "×A", "×B"]
    header += [f"× {title}" for title in PEER_TITLES.values()]
    rows = []
    for key, meta in doc["scenarios"].items():
        for ours in ("af_create", "af_build"):
            for backend, scenario in _backend_scenarios(doc, key):
                entry = scenario["summary"].get(ours)
                if entry is None:
                    continue
                what = (
                    f"({key}) {'build_batch, no DB' if ours == 'af_build' else meta['unit'] + '/s'}"
                )
                row = [what, doc["backends"][backend]["title"], _rate(entry)]
                # A build touches no database: only its xfloor means something.
                limits = ("x_floor",) if ours == "af_build" else ("x_floor", "x_A", "x_B")
                row += [_ratio(entry, k) if k in limits else "—" for k in ("x_floor", "x_A", "x_B")]
                for group in PEER_TITLES:
                    s = entry.get("speedup", {}).get(group)
                    if s is None:
                        row.append("—")
                        continue
                    mode = (
                        f" [{doc['cases'][s['case']]['label'].split(',')[-1].strip()}]"
                        if group == "fb"
                        else ""
                    )
                    row.append(f"{s['med']:.2f} ({s['min']:.2f}–{s['max']:.2f}){mode}")
                rows.append(row)
    if not rows:
        return []
    note = (
        "× peer = the peer's time ÷ asyncfactories' time in the same repetition (median, min–max): "
        "how many times faster asyncfactories is; factory_boy in its fastest mode of the run."
    )
    return [
        "#### asyncfactories against the floor, the limits and its peers",
        "",
        *_table(header, rows),
        "",
        note,
        "",
    ]


def _us_table(doc: dict[str, Any]) -> list[str]:
    columns = [(k, b, s) for k in doc["scenarios"] for b, s in _backend_scenarios(doc, k)]
    short = {"sqlite-mem": "mem", "sqlite-file": "file", "pg": "pg"}
    header = ["tool"] + [f"{k}: {short.get(b, b)}" for k, b, _ in columns]
    rows = []
    for case in (*GEN_ORDER, *DB_ORDER):
        values = [s["summary"].get(case) for _, _, s in columns]
        if any(values):
            rows.append(
                [_label(doc, case)]
                + ["—" if v is None else f"{v['us_per_item']:,.0f}" for v in values]
            )
    return ["#### µs per item (median)", "", *_table(header, rows), ""]


def _rtt_table(doc: dict[str, Any]) -> list[str]:
    columns = [(b, d) for b, d in doc["backends"].items()]
    rows = []
    for case in RTT_ORDER:
        row = [_label(doc, case)]
        found = False
        for _, data in columns:
            where = next((s for s in data["scenarios"].values() if case in s["summary"]), None)
            if where is None:
                row.append("—")
                continue
            found = True
            us = {k: v / where["n"] * 1e6 for k, v in where["summary"][case]["seconds"].items()}
            row.append(f"{us['med']:.0f} ({us['min']:.0f}–{us['max']:.0f})")
        if found:
            rows.append(row)
    if not rows:
        return []
    header = ["driver", *(d["title"] for _, d in columns)]
    return [
        "#### Diagnostic: one `SELECT 1` round trip through SQLAlchemy (µs, median; min–max)",
        "",
        *_table(header, rows),
        "",
    ]


def _header(doc: dict[str, Any]) -> list[str]:
    p, m, lib = doc.get("packages", {}), doc.get("machine", {}), doc.get("library", {})
    versions = ", ".join(
        f"{name} {p.get(name)}"
        for name in (
            "SQLAlchemy",
            "aiosqlite",
            "asyncpg",
            "psycopg",
            "Faker",
            "factory_boy",
            "polyfactory",
            "async-factory-boy",
        )
    )
    lines = ["## asyncfactories throughput", ""]
    for source in doc["sources"]:
        kind = "quick" if source["quick"] else "full"
        lines.append(
            f"- `{source['file']}`: {kind}, {source['reps']} reps, {', '.join(source['backends'])}, "
            f"wall {source['wall_seconds']} s, started {source['started']}"
        )
    changed = len(lib.get("changed_files", []))
    lines += [
        f"- Python {m.get('python')} on {m.get('cpus')} × {m.get('cpu')}; SQLite {m.get('sqlite')}, "
        f"PostgreSQL {m.get('postgresql_server') or '—'}",
        f"- {versions}",
        f"- asyncfactories {p.get('asyncfactories')} at {str(lib.get('commit'))[:10]}"
        f" (+{changed} changed files, sources sha256 {str(lib.get('source_sha256'))[:12]})",
        "",
    ]
    return lines


def render(doc: dict[str, Any]) -> str:
    """The whole markdown report of a loaded (merged) result."""
    lines = _header(doc)
    for key, meta in doc["scenarios"].items():
        lines += _gen_table(doc, key, meta)
    for key, meta in doc["scenarios"].items():
        lines += _db_table(doc, key, meta)
    lines += _speedups(doc) + _us_table(doc) + _rtt_table(doc)
    lines += [FOOTNOTE, ""]
    return "\n".join(lines)


def write_latest(paths: Sequence[Path], out: Path = RESULTS) -> str:
    """Write ``latest.md`` and ``latest.png`` for ``paths``; return the markdown."""
    doc = load(paths)
    markdown = render(doc)
    (out / "latest.md").write_text(markdown)
    plot_rates(doc, out / "latest.png")
    return markdown


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.report``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.report", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "results", nargs="*", type=Path, help="result JSON files (default: the newest)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where latest.md / latest.png go")
    args = parser.parse_args(argv)
    paths = args.results or sorted(RESULTS.glob("run-*.json"))[-1:]
    if not paths:
        print(f"no result files in {RESULTS}; run `python -m benchmarks` first", file=sys.stderr)
        return 1
    print(write_latest(paths, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
