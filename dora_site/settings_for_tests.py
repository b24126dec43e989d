"""The settings of the test suite (pyproject.toml): the site's own, read from the test run's
environment only. A developer's `.env` (which bin/run writes with DEBUG=1) must not change
what the tests check."""

import os

os.environ["DORA_DOTENV"] = ""
# Per-process memory for the API's request counts, so that a test's query counts are the
# page's own; the database cache of production is tested by test_several_servers.py.
os.environ.setdefault("CACHE_URL", "locmemcache://")

from dora_site.settings import *  # noqa: F403
