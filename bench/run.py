"""`make bench`: run every benchmark in bench/, print one table and write
bench/results.json. A benchmark prints its figures as `BENCH {json}` lines
(see bench/common.py) and exits non-zero when a budget fails; `SHOW ...` lines
(a side-by-side table, progress) are echoed as they are."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"run.py", "common.py", "load_setup.py", "staff_setup.py", "bare_django.py"}


def benchmarks() -> list[Path]:
    chosen = os.environ.get("BENCH_ONLY", "")
    found = sorted(
        p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_")
    )
    return [p for p in found if not chosen or p.stem in chosen.split(",")]


def main() -> int:
    rows: list[dict] = []
    tables: list[str] = []
    failed_scripts: list[str] = []
    for script in benchmarks():
        started = time.time()
        print(f"== {script.name}", flush=True)
        process = subprocess.run(
            [sys.executable, str(script)],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(HERE)},
        )
        found = [
            json.loads(line[6:])
            for line in process.stdout.splitlines()
            if line.startswith("BENCH ")
        ]
        for row in found:
            row["benchmark"] = script.stem
        rows += found
        shown = [line[5:] for line in process.stdout.splitlines() if line.startswith("SHOW ")]
        tables += shown
        if shown:
            print("\n".join(shown), flush=True)
        if process.returncode != 0 or not found:
            failed_scripts.append(script.name)
            sys.stderr.write(process.stdout[-3000:] + process.stderr[-3000:])
        print(f"   {len(found)} figures in {time.time() - started:.0f} s", flush=True)

    width = max((len(r["figure"]) for r in rows), default=10)
    print()
    print(f"{'figure':<{width}}  {'value':>18}  {'budget':>10}  result")
    for row in rows:
        verdict = {True: "pass", False: "FAIL", None: ""}[row["pass"]]
        print(f"{row['figure']:<{width}}  {row['value']!s:>18}  {row['budget']!s:>10}  {verdict}")
    if tables:
        print()
        print("\n".join(tables))
    summary = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "rows": rows,
        "failed_scripts": failed_scripts,
    }
    (HERE / "results.json").write_text(json.dumps(summary, indent=2))
    failures = [r for r in rows if r["pass"] is False]
    print(
        f"\n{len(rows)} figures, {len(failures)} over budget, "
        f"{len(failed_scripts)} benchmark scripts failed -> bench/results.json"
    )
    return 1 if failures or failed_scripts else 0


if __name__ == "__main__":
    sys.exit(main())
