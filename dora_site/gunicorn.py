"""gunicorn's settings for serving the site: `gunicorn -c python:dora_site.gunicorn dora_site.wsgi`.

The workers load Django once, in the parent process, and the parent then moves everything
loaded so far out of the garbage collector's reach (gc.freeze): Django's own objects live
as long as the process, and scanning them again and again in every worker's full
collections would cost more than many a page.
"""

import gc
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
_workers = os.environ.get("WEB_CONCURRENCY", "").strip() or "2"
if not (_workers.isascii() and _workers.isdigit() and 1 <= int(_workers) <= 64):
    raise SystemExit(
        f"WEB_CONCURRENCY={_workers!r} is not valid: expected a whole number from 1 to 64."
    )
workers = int(_workers)
preload_app = True
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = os.environ.get("ERROR_LOG", "-")


def when_ready(server):
    gc.collect()
    gc.freeze()
