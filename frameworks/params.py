"""Query-string values, read one way everywhere: the site's views and the admin's filters.
(It lives in the frameworks app, the one every other app builds on.)

A query string is typed by anyone. `str.isdigit()` accepts "²" and "٣", which `int()`
refuses, and a long run of digits overflows a database integer. So ids and page numbers are
ASCII digits within the range the database holds, or nothing: a view then answers "not
found" or uses its default, never an error.
"""

from collections.abc import Collection

# Every primary key is a BigAutoField (settings.DEFAULT_AUTO_FIELD): a signed 64-bit integer
# on SQLite and PostgreSQL alike.
MAX_ID = 2**63 - 1
# More pages than any list here will have; larger numbers mean "the last page".
MAX_PAGE = 10**9


def _whole_number(raw, maximum: int) -> int | None:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        return None
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def id_param(raw) -> int | None:
    """An object id from a query string, or None for anything that cannot be one."""
    return _whole_number(raw, MAX_ID)


def page_param(raw) -> int:
    """A page number (1 for anything that is not one; numbers past the end stay past it,
    for the paginator to turn into the last page)."""
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    number = _whole_number(raw, MAX_PAGE)
    return 1 if number is None else number


def choice_param(raw, choices: Collection[str], default: str) -> str:
    """One of `choices` (such as a sort key), or the default."""
    return raw if isinstance(raw, str) and raw in choices else default
