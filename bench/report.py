"""Print the benchmark's tables and figures and write them to bench/results/latest.json.

    python -m bench.report WORK_DIR

Reads what bench/prepare.py (state.json, post-SIZE.json) and wrk (wrk-SIZE-PAGE.txt) left
in WORK_DIR. Exits non-zero when a page answered with an error or an unexpected status; a
missed target is reported, not an error.
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

from django.db import connection

from bench.delivery import delivery_verdicts, print_delivery
from bench.prepare import P95_GROWTH, PAGES, draft_versions

RESULTS = Path(__file__).resolve().parent / "results"
ERRORS = ("status_errors", "unexpected", "connect_errors", "read_errors", "write_errors")


def wrk_result(work: Path, name: str, prefix: str = "wrk-") -> dict:
    text = (work / f"{prefix}{name}.txt").read_text()
    for line in text.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    raise SystemExit(f"bench: wrk printed no result for {name}:\n{text}")


def cpu_ms(work: Path, name: str, requests: int) -> float | None:
    """The gunicorn workers' CPU time per completed request during the measured run."""
    before, after, ticks_per_second = map(int, (work / f"wrk-{name}.cpu").read_text().split())
    return 1000 * (after - before) / ticks_per_second / requests if requests else None


def measured(work: Path, run: str, expect: int, problems: list) -> dict:
    result = wrk_result(work, run)
    seconds = result["duration_us"] / 1e6
    if result["requests"] == 0:
        problems.append(f"{run}: no request completed")
    if result["status_errors"] or result["unexpected"]:
        problems.append(
            f"{run}: {result['unexpected']} responses were not {expect} "
            f"({result['status_errors']} were 4xx/5xx); the first: {result['first_unexpected']}"
        )
    if result["connect_errors"] or result["read_errors"] or result["write_errors"]:
        problems.append(
            f"{run}: socket errors: connect {result['connect_errors']}, read "
            f"{result['read_errors']}, write {result['write_errors']}"
        )
    if result["timeouts"]:
        problems.append(f"{run}: {result['timeouts']} requests timed out")
    return {
        "requests": result["requests"],
        "sent": result["sent"],
        "rps": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "cpu_ms": cpu_ms(work, run, result["requests"]),
        "errors": {k: result[k] for k in (*ERRORS, "timeouts")},
        # The session row counts what its requests did (bench/session.lua).
        **{k: result[k] for k in ("writes", "reads") if k in result},
    }


def size_rows(work: Path, size: dict, queries_small: dict, problems: list) -> list[dict]:
    """One row per page of a size; a page is compared with the mean of the baseline runs
    just before and just after it (the machine's speed drifts on a shared host)."""
    number = size["size"]
    baseline = measured(work, f"{number}-baseline", 200, problems)
    rows, before = [], baseline
    for name in PAGES:
        if name != "baseline" and not (work / f"wrk-{number}-{name}.txt").exists():
            continue  # not measured this time (BENCH_PAGES)
        if name == "baseline":
            row = {**baseline, "baseline_rps": baseline["rps"]}
        else:
            expect = 302 if name == "save" else 200
            row = measured(work, f"{number}-{name}", expect, problems)
            after = measured(work, f"{number}-baseline-after-{name}", 200, problems)
            row["baseline_rps"] = (before["rps"] + after["rps"]) / 2
            before = after
        target = size["targets"][name]
        row.update(
            name=name,
            target=target,
            vs_baseline=row["rps"] / row["baseline_rps"],
            queries=size["queries"][name],
            queries_small=queries_small[name],
            distinct_targets=size["distinct_targets"][name],
            follows_redirects=size["follows_redirects"][name],
            writes_per_read=size["writes_per_read"][name],
        )
        if row.get("reads"):
            row["writes_per_read"] = row["writes"] / row["reads"]
        row["passed"] = None if target is None else row["vs_baseline"] >= target
        row["queries_constant"] = row["queries"] == row["queries_small"]
        rows.append(row)
    post = json.loads((work / f"post-{number}.json").read_text())
    for row in rows:
        if row["name"] == "save":
            row["saves_sent"] = row["sent"]
    rows[0]["versions_before"] = post["versions_before"]
    return rows


def print_size(size: dict, rows: list[dict]) -> None:
    data = size["data"]
    print(
        f"size {size['size']}: {data['users']} users, {data['teams']} teams, "
        f"{data['submitted']} submitted and {data['drafts']} draft assessments, "
        f"{data['answers']} answers"
    )
    header = (
        f"{'page':<11}{'targets':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'cpu ms':>8}"
        f"{'queries':>9}{'baseline':>10}{'vs baseline':>13}{'target':>8}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "" if row["passed"] is None else ("pass" if row["passed"] else "FAIL")
        if not row["queries_constant"]:
            verdict += " (queries grow)"
        target = "" if row["target"] is None else f">={row['target']:.2f}"
        print(
            f"{row['name']:<11}{row['distinct_targets']:>8}{row['rps']:>8.1f}"
            f"{row['p50_ms']:>8.1f}{row['p95_ms']:>8.1f}{row['cpu_ms'] or 0:>8.1f}"
            f"{row['queries']:>9}{row['baseline_rps']:>10.1f}{row['vs_baseline']:>13.2f}"
            f"{target:>8}  {verdict}"
        )
    print()


def pages_report(work: Path, settings: dict, problems: list) -> dict:
    """Print the pages' tables and figures; what latest.json keeps of them."""
    state = json.loads((work / "state.json").read_text())
    sizes = state["sizes"]
    tables = [size_rows(work, size, state["queries_small"], problems) for size in sizes]

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
        "Every page but the baseline rotates over its targets: distinct (user, URL) pairs, "
        "each signed in."
    )
    print()
    for size, rows in zip(sizes, tables, strict=True):
        print_size(size, rows)

    growth = []
    if len(sizes) > 1:
        first, last = tables[0], tables[-1]
        scale = sizes[-1]["size"]
        header = (
            f"{'page':<11}{'p95 x1':>9}{f'p95 x{scale}':>10}{'ratio':>8}{'target':>8}"
            f"{'queries small/x1/x' + str(scale):>24}  result"
        )
        print(f"scale: every page's p95 at {scale} times the data against size 1")
        print(header)
        print("-" * len(header))
        for a, b in zip(first, last, strict=False):
            ratio = b["p95_ms"] / a["p95_ms"] if a["p95_ms"] else float("inf")
            constant = a["queries_small"] == a["queries"] == b["queries"]
            item = {
                "name": a["name"],
                "p95_ms": {"1": a["p95_ms"], str(scale): b["p95_ms"]},
                "ratio": ratio,
                "passed": ratio <= P95_GROWTH,
                "queries_constant": constant,
            }
            growth.append(item)
            verdict = "pass" if item["passed"] else "FAIL"
            if not constant:
                verdict += " (queries grow)"
            counts = f"{a['queries_small']}/{a['queries']}/{b['queries']}"
            print(
                f"{a['name']:<11}{a['p95_ms']:>9.1f}{b['p95_ms']:>10.1f}{ratio:>8.2f}"
                f"{'<=' + str(P95_GROWTH):>8}{counts:>24}  {verdict}"
            )
        print()

    # The saves of the last size measured: its answers' versions before it, and now.
    wrote = draft_versions() - tables[-1][0]["versions_before"]
    sent = sum(row.get("saves_sent", 0) + (row.get("writes") or 0) for row in tables[-1])
    if any(row["name"] == "session" for row in tables[-1]):  # its warm-up saved too
        sent += wrk_result(work, f"warm-{sizes[-1]['size']}-session", prefix="").get("writes", 0)
    print("baseline: a bare view returning 'ok' through the same middleware, measured before")
    print("the first page and after each page; a page's ratio uses the runs around it.")
    print("signed-in: that view behind login_required (session and user read), for reference.")
    print("session: members' journeys on drafts of different teams, two teammates at a time:")
    print("open a step, save it, follow the redirect, open the next step (its queries: one")
    print("journey's four requests; req/s, p50 and p95: each request).")
    print("cpu ms: the gunicorn workers' CPU time per request. queries: per request at that")
    print("size, counted in-process on a fixed representative request.")
    print(
        f"POST saves that wrote: {wrote} of {sent} sent by the save and session rows "
        f"(size {sizes[-1]['size']})"
    )
    loaddata = state["loaddata"]
    fresh, reload = loaddata["fresh"], loaddata["reload"]
    print(
        f"loaddata dora ({loaddata['objects']} objects) into a fresh database: "
        f"{fresh['seconds'] * 1000:.0f} ms; again (in place): {reload['seconds'] * 1000:.0f} ms"
    )
    scoring = state["scoring"]
    print(
        f"scoring {scoring['assessments']} stored assessments' answers: score() "
        f"{scoring['score']['us_per_assessment']:.0f} µs each; recommendations() "
        f"{scoring['recommendations']['us_per_assessment']:.0f} µs each"
    )

    missed = [
        f"{row['name']} (x{size['size']})"
        for size, rows in zip(sizes, tables, strict=True)
        for row in rows
        if row["passed"] is False
    ]
    slow = [item["name"] for item in growth if not item["passed"]]
    growing = sorted(
        {row["name"] for rows in tables for row in rows if not row["queries_constant"]}
        | {item["name"] for item in growth if not item["queries_constant"]}
    )
    print()
    print(
        "targets: "
        + (f"throughput missed by {', '.join(missed)}" if missed else "every page's throughput")
        + (f"; p95 grows too much on {', '.join(slow)}" if slow else "")
        + "; query counts "
        + (f"grow with the data on {', '.join(growing)}" if growing else "do not grow")
    )

    return {
        "database": state["database"],
        "size_small": state["size_small"],
        "seed_seconds": state["seed_seconds"],
        "sizes": [
            {"size": size["size"], "data": size["data"], "pages": rows}
            for size, rows in zip(sizes, tables, strict=True)
        ],
        "p95_growth": growth,
        "loaddata": loaddata,
        "scoring": scoring,
        "targets_missed": missed,
        "p95_growth_missed": slow,
        "queries_growing": growing,
    }


def delivery_report(work: Path) -> dict:
    """Print the delivery tables (bench/delivery.py); what latest.json keeps of them."""
    figures = json.loads((work / "delivery.json").read_text())
    verdicts = delivery_verdicts(figures)
    missed = print_delivery(verdicts)
    print(
        "delivery targets: "
        + (
            f"missed by {', '.join(missed)}"
            if missed
            else "import time linear, import memory flat, metrics queries constant"
        )
    )
    return {"deployments": figures["deployments"], **verdicts, "targets_missed": missed}


def main() -> None:
    work = Path(sys.argv[1])
    settings = json.loads((work / "settings.json").read_text())
    problems: list[str] = []
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "settings": settings,
    }
    if (work / "state.json").exists():
        document.update(pages_report(work, settings, problems))
    else:  # BENCH_DELIVERY=only
        print(f"\nDORA site benchmark, delivery data only: {connection.vendor}")
    if (work / "delivery.json").exists():
        print()
        document["delivery"] = delivery_report(work)
    document["problems"] = problems

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {RESULTS / 'latest.json'}")
    if problems:
        print("\nbench: the run had errors:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
