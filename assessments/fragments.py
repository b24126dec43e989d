"""Parts of pages kept in Django's cache, under a key that holds everything that decides
them.

cached_part(name, viewer=..., token=..., params=..., build=...) returns the markup that
`build()` renders (its queries and its template), from the cache when the key is the same;
cached_value does the same for plain data (such as a summary several parts show). The key
is a digest of:

- the part's name and its parameters (the page number, a sort order, today's date when
  the part says what is due...);
- the viewer, so that no two users ever share an entry;
- the change token of the data the part shows, read before that data (see
  models.access_token and TeamRevision): database triggers move it on every write to a
  team's data, by whatever path, so the data can only be newer than its token, never
  older. Without a token (None) nothing is cached;
- the site: the URL prefix it is served under, its time zone and language, and its code
  (the templates and the apps' modules as they are in this process), so a deployment never
  serves markup from the code before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TIMEOUT = 7 * 24 * 3600


@cache
def code_digest() -> str:
    """A digest of the templates and the project's Python modules, read once per process."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(settings.BASE_DIR)
    for folder in ("templates", "assessments", "frameworks", "dora_site"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".html", ".py") and "tests" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def part_key(name: str, *, viewer, token, params: tuple) -> str:
    site = (code_digest(), get_script_prefix(), settings.TIME_ZONE, get_language())
    spelled = repr((name, viewer.pk, token, params, site))
    return "part:" + hashlib.blake2b(spelled.encode(), digest_size=20).hexdigest()


def cached_value(name: str, *, viewer, token, params: tuple, compute: Callable):
    """What `compute()` returns (plain data that pickles), from the cache when the viewer,
    the token of the data and the parameters are the same as when it was kept."""
    if token is None:
        return compute()
    key = part_key(name, viewer=viewer, token=token, params=params)
    value = django_cache.get(key)
    if value is None:
        value = compute()
        django_cache.set(key, value, TIMEOUT)
    return value


def cached_part(name: str, *, viewer, token, params: tuple, build: Callable[[], str]) -> SafeString:
    """The markup `build()` renders, from the cache when the viewer, the token of the data
    and the parameters are the same as when it was kept."""
    html = cached_value(name, viewer=viewer, token=token, params=params, compute=build)
    return mark_safe(str(html))
