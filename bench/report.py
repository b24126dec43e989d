"""Print the benchmark's table and figures and write them to bench/results/latest.json.

    python -m bench.report WORK_DIR

Reads what bench/prepare.py (state.json, post.json) and wrk (wrk-<page>.txt) left in
WORK_DIR. Exits non-zero when a page answered with an error or an unexpected status; a
missed throughput target is reported, not an error.
"""

# ruff: noqa: E402 (Django is set up before the project's modules are imported)

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from bench.prepare import draft_versions

RESULTS = Path(__file__).resolve().parent / "results"


def wrk_result(work: Path, name: str) -> dict:
    text = (work / f"wrk-{name}.txt").read_text()
    for line in text.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise SystemExit(f"bench: wrk printed no result for {name}:\n{text}")


def cpu_ms(work: Path, name: str, requests: int) -> float | None:
    """The gunicorn workers' CPU time per completed request during the measured run."""
    before, after, ticks_per_second = map(int, (work / f"wrk-{name}.cpu").read_text().split())
    return 1000 * (after - before) / ticks_per_second / requests if requests else None


def main() -> None:
    work = Path(sys.argv[1])
    state = json.loads((work / "state.json").read_text())
    post = json.loads((work / "post.json").read_text())
    settings = json.loads((work / "settings.json").read_text())

    rows, problems = [], []
    pages = state["pages"]
    # The baseline runs before the first page and again after every page; a page is
    # compared with the mean of the baseline runs just before and just after it.
    baselines = [{**pages[0], "name": f"baseline-after-{page['name']}"} for page in pages[1:]]
    for page in [*pages, *baselines]:
        result = wrk_result(work, page["name"])
        seconds = result["duration_us"] / 1e6
        rows.append(
            {
                **{k: page[k] for k in ("name", "method", "path", "target")},
                "queries": page["queries"],
                "queries_small": page["queries_small"],
                "requests": result["requests"],
                "rps": result["requests"] / seconds,
                "p50_ms": result["p50_us"] / 1000,
                "p95_ms": result["p95_us"] / 1000,
                "p99_ms": result["p99_us"] / 1000,
                "cpu_ms": cpu_ms(work, page["name"], result["requests"]),
                "errors": {
                    k: result[k]
                    for k in (
                        "status_errors",
                        "unexpected",
                        "connect_errors",
                        "read_errors",
                        "write_errors",
                        "timeouts",
                    )
                },
            }
        )
        if result["requests"] == 0:
            problems.append(f"{page['name']}: no request completed")
        if result["status_errors"] or result["unexpected"]:
            problems.append(
                f"{page['name']}: {result['unexpected']} responses were not "
                f"{page['expect']} ({result['status_errors']} were 4xx/5xx); the first: "
                f"{result['first_unexpected']}"
            )
        if result["connect_errors"] or result["read_errors"] or result["write_errors"]:
            problems.append(
                f"{page['name']}: socket errors: connect {result['connect_errors']}, read "
                f"{result['read_errors']}, write {result['write_errors']}"
            )
        if result["timeouts"]:
            problems.append(f"{page['name']}: {result['timeouts']} requests timed out")

    by_name = {row["name"]: row for row in rows}
    baseline_runs = [by_name["baseline"], *(by_name[b["name"]] for b in baselines)]
    baseline = sum(run["rps"] for run in baseline_runs) / len(baseline_runs)
    before = "baseline"
    for page in pages[1:]:
        row = by_name[page["name"]]
        after = f"baseline-after-{page['name']}"
        row["baseline_rps"] = (by_name[before]["rps"] + by_name[after]["rps"]) / 2
        before = after
    for row in rows:
        row["vs_baseline"] = row["rps"] / row.get("baseline_rps", baseline)
        row["passed"] = None if row["target"] is None else row["vs_baseline"] >= row["target"]
        row["queries_constant"] = row["queries"] == row["queries_small"]
    rows = [row for row in rows if not row["name"].startswith("baseline-after-")]

    save = by_name["save"]
    wrote = draft_versions() - post["versions_before"]
    save["saves_written"] = wrote
    save["saves_sent"] = wrk_result(work, "save")["sent"]

    size, small = state["size"], state["size_small"]
    load = float(settings["load_before"].split()[0])
    print()
    print(
        f"DORA site benchmark: {state['database']}, gunicorn {settings['workers']} workers, "
        f"wrk -t{settings['threads']} -c{settings['connections']} -d{settings['duration']}s "
        f"per page, {os.cpu_count()} cores, load average before {settings['load_before']}"
    )
    if load > 0.5:
        print(
            "NOTE: the machine was busy before the run (1-minute load average "
            f"{load:.2f}): other processes take CPU from the server, so throughput is noisy."
        )
    print(
        f"data: {size['users']} users, {size['teams']} teams, {size['submitted']} submitted "
        f"and {size['drafts']} draft assessments, {size['answers']} answers "
        f"(seeded in {state['seed_seconds']:.1f} s); the bench user sees "
        f"{size['bench_user_assessments']} assessments, its team has "
        f"{size['bench_team_submitted']} submitted"
    )
    print(
        f"small (queries counted again): {small['teams']} teams, {small['submitted']} "
        f"submitted, {small['drafts']} drafts; the bench user sees "
        f"{small['bench_user_assessments']}, its team has {small['bench_team_submitted']} "
        "submitted (lists shorter than a page, so a query per row would show)"
    )
    print()
    header = (
        f"{'page':<14}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'cpu ms':>8}{'queries':>9}"
        f"{'small':>9}{'baseline':>10}{'vs baseline':>13}{'target':>8}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "" if row["passed"] is None else ("pass" if row["passed"] else "FAIL")
        if not row["queries_constant"]:
            verdict += " (queries grow)"
        target = "" if row["target"] is None else f">={row['target']:.2f}"
        print(
            f"{row['name']:<14}{row['rps']:>8.1f}{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}"
            f"{row['cpu_ms'] or 0:>8.1f}{row['queries']:>9}{row['queries_small']:>9}"
            f"{row.get('baseline_rps', row['rps']):>10.1f}{row['vs_baseline']:>13.2f}{target:>8}"
            f"  {verdict}"
        )
    print()
    print("baseline: a bare view returning 'ok' through the same middleware, measured before the")
    print("first page and again after each page; a page's ratio uses the baseline runs just")
    print(f"before and after it (all {len(baseline_runs)} runs: mean {baseline:.1f} req/s, ")
    print(
        f"from {min(r['rps'] for r in baseline_runs):.1f} to "
        f"{max(r['rps'] for r in baseline_runs):.1f}). signed-in: the same"
    )
    print("view behind login_required (it reads the session and the user), for reference.")
    print("cpu ms: the gunicorn workers' CPU time per request; small: the queries at the small")
    print("size. overview is the organisation overview as a staff user (every team).")
    print(f"POST saves that wrote: {wrote} of {save['saves_sent']} sent")
    print(
        f"  ({save['requests']} completed in the measured window: when wrk stops, a save in "
        "flight may still be written, and one not yet sent is not)"
    )
    loaddata = state["loaddata"]
    fresh, reload = loaddata["fresh"], loaddata["reload"]
    print()
    print(
        f"loaddata dora ({loaddata['objects']} objects) into a fresh database: "
        f"{fresh['seconds'] * 1000:.0f} ms, {fresh['ms_per_object']:.2f} ms per object; "
        f"again (in place): {reload['seconds'] * 1000:.0f} ms, "
        f"{reload['ms_per_object']:.2f} ms per object"
    )
    scoring = state["scoring"]
    print(
        f"scoring {scoring['assessments']} stored assessments' answers: score() "
        f"{scoring['score']['seconds']:.2f} s, {scoring['score']['us_per_assessment']:.0f} µs "
        f"each; recommendations() {scoring['recommendations']['seconds']:.2f} s, "
        f"{scoring['recommendations']['us_per_assessment']:.0f} µs each"
    )

    missed = [row["name"] for row in rows if row["passed"] is False]
    growing = [row["name"] for row in rows if not row["queries_constant"]]
    print()
    print(
        "targets: "
        + (f"missed by {', '.join(missed)}" if missed else "every page meets its target")
        + "; query counts "
        + (f"grow with the data on {', '.join(growing)}" if growing else "do not grow")
    )

    RESULTS.mkdir(exist_ok=True)
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": settings,
        "database": state["database"],
        "size": size,
        "size_small": small,
        "seed_seconds": state["seed_seconds"],
        "baseline_rps": baseline,
        "pages": rows,
        "loaddata": loaddata,
        "scoring": scoring,
        "targets_missed": missed,
        "queries_growing": growing,
        "problems": problems,
    }
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {RESULTS / 'latest.json'}")
    if problems:
        print("\nbench: the run had errors:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
