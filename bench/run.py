"""`make bench`: run every benchmark in bench/, print one table and write
docs/benchmarks.md, the project's one file of measured results (the latest run
only: the machine, the date, each figure with its budget and pass/fail; git
keeps the history). A benchmark prints its figures as `BENCH {json}` lines
(see bench/common.py) and exits non-zero when a budget fails; `SHOW ...` lines
(a side-by-side table, progress) are echoed as they are and kept in the file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "docs" / "benchmarks.md"
NOT_BENCHMARKS = {"run.py", "common.py", "load_setup.py", "staff_setup.py", "bare_django.py"}


def benchmarks() -> list[Path]:
    chosen = os.environ.get("BENCH_ONLY", "")
    found = sorted(
        p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_")
    )
    return [p for p in found if not chosen or p.stem in chosen.split(",")]


def _first_line_with(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _postgresql_version() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return "not used"
    try:
        import psycopg
        from psycopg.conninfo import make_conninfo

        # The bench database may not exist yet; the server's own one does.
        with psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            assert row is not None
            return str(row[0])
    except Exception as error:
        return f"unreachable ({type(error).__name__})"


def _redis_version() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        return "not used"
    try:
        import redis

        return str(redis.Redis.from_url(url, socket_connect_timeout=3).info()["redis_version"])
    except Exception as error:
        return f"unreachable ({type(error).__name__})"


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=HERE,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head} (with uncommitted changes)" if changed else head


def machine() -> dict[str, str]:
    """What the figures were measured on: absolute times mean little without it."""
    kib = _first_line_with("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(kib) / 1024 / 1024:.1f} GiB" if kib.isdigit() else "unknown"
    return {
        "CPU": _first_line_with("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
        "PostgreSQL": _postgresql_version(),
        "Redis": _redis_version(),
        "code": _commit(),
    }


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|") if value is not None else ""


def results_markdown(
    rows: list[dict],
    failed_scripts: list[str],
    shown: list[str],
    *,
    about: dict[str, str],
    date: str,
    only: str = "",
) -> str:
    """docs/benchmarks.md for one run: the machine, then every figure."""
    failures = [r for r in rows if r["pass"] is False]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); the latest run only, nothing to edit",
        "by hand. Budgets are set in each script under `bench/`; a figure without a",
        "budget is shown for context.",
        "",
        f"- **Date:** {date}",
        *(f"- **{name}:** {value}" for name, value in about.items()),
    ]
    if only:
        lines.append(f"- **Benchmarks run:** only `{only}` (`BENCH_ONLY`)")
    lines += [
        "",
        f"**{len(rows)} figures, {len(failures)} over budget, "
        f"{len(failed_scripts)} benchmark scripts failed**"
        + (f" ({', '.join(failed_scripts)})" if failed_scripts else "")
        + ".",
        "",
        "| benchmark | figure | value | budget | result |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for row in rows:
        verdict = {True: "pass", False: "**FAIL**", None: ""}[row["pass"]]
        lines.append(
            f"| {_cell(row.get('benchmark'))} | {_cell(row['figure'])} | {_cell(row['value'])} "
            f"| {_cell(row['budget'])} | {verdict} |"
        )
    if shown:
        lines += ["", "## Side by side", "", "```", *shown, "```"]
    return "\n".join(lines) + "\n"


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
    RESULTS.write_text(
        results_markdown(
            rows,
            failed_scripts,
            tables,
            about=machine(),
            date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            only=os.environ.get("BENCH_ONLY", ""),
        )
    )
    failures = [r for r in rows if r["pass"] is False]
    print(
        f"\n{len(rows)} figures, {len(failures)} over budget, "
        f"{len(failed_scripts)} benchmark scripts failed -> {RESULTS.relative_to(HERE.parent)}"
    )
    return 1 if failures or failed_scripts else 0


if __name__ == "__main__":
    sys.exit(main())
