"""Run `manage.py import_delivery_data` in this process and print its time and memory.

    python -m bench.measure_import SLUG --deployments FILE [--changes FILE] [--incidents FILE]

For bench/delivery.py, which starts one process per import so that the peak memory is that
import's own. Prints one line, `BENCH-IMPORT {json}`: the seconds the command took (Django's
start-up left out) and this process's CPU seconds in them, its resident memory before the
import and its peak during it. The peak is reset after start-up (Linux's
/proc/self/clear_refs), so that a higher peak while Django loaded does not hide the import's.
"""

# ruff: noqa: E402 (Django is set up before the project's modules are imported)

import io
import json
import os
import resource
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.management import call_command

# Loaded before the start is measured, so that the memory after is the import's alone.
from delivery.management.commands import import_delivery_data  # noqa: F401


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux counts KiB


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("bench: no VmRSS in /proc/self/status")


def main() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now
        reset = True
    except OSError:
        reset = False  # then a peak below start-up's reads as start-up's
    before = rss_mib()
    output = io.StringIO()
    cpu, started = time.process_time(), time.perf_counter()
    call_command("import_delivery_data", *sys.argv[1:], stdout=output)
    seconds = time.perf_counter() - started
    figures = {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,  # this process's, not a database server's
        "peak_rss_mib": peak_rss_mib(),
        "start_rss_mib": before,
        "peak_reset": reset,
        "output": output.getvalue().strip(),
    }
    print("BENCH-IMPORT " + json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
