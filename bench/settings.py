"""The production settings with one change: the URLconf adds the benchmark's baseline view.

Everything else (DEBUG off, middleware, whitenoise, database) comes from the environment
exactly as in production, so the baseline and the site's pages share one configuration.
"""

from dora_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
