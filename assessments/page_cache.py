"""Parts of pages cached under a fingerprint of everything they show.

A list page asks the database one cheap aggregate question ("which rows, changed when?")
and reuses the markup it built last time the answer was the same. The key holds the
fingerprint, so nothing is ever invalidated by hand and no stale part can be served: a save,
a submit, an admin edit or a new member changes the fingerprint. The cache is per process
(LocMemCache), so each worker builds a part once.
"""

import hashlib

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 24 * 3600


def cached_part(key: str, build) -> SafeString:
    """The markup cached under `key`, built by `build()` (a str) when it is not there."""
    digest = "part:" + hashlib.blake2b(key.encode(), digest_size=20).hexdigest()
    html = cache.get(digest)
    if html is None:
        html = str(build())
        cache.set(digest, html, TIMEOUT)
    return mark_safe(html)


def page_number(raw, count: int, per_page: int) -> int:
    """The page Paginator.get_page would show for `raw`: 1 for junk, the last when too far."""
    pages = max(1, -(-count // per_page))
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), pages)
