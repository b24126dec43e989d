"""The API's one parser: JSON with bounds, so that no body can tie up a worker or break it.

- Size: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (Django's own limit for request bodies,
  2.5 MB by default), read no further; a larger body is a 413 with a JSON error.
- Depth: arrays and objects nested at most MAX_DEPTH deep; deeper is a 400 (the parser
  itself would give up with a RecursionError at about a thousand levels).
"""

import json

from django.conf import settings
from rest_framework import renderers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser

MAX_DEPTH = 32


class TooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def depth(value) -> int:
    """How deep arrays and objects nest in a parsed document, without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level + 1)
            if level + 1 <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constants(name):
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONParser(BaseParser):
    """Like DRF's JSONParser (strict: no NaN or Infinity), but it reads the body itself, at
    most one byte past the limit. (DRF gives its own JSONParser the whole body, which
    Django refuses past the limit with an HTML page.)"""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise TooLarge(f"The body is larger than {limit:,} bytes; send fewer items a request.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        too_deep = ParseError(f"JSON nested more than {MAX_DEPTH} levels deep.")
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_no_constants)
        except RecursionError:
            raise too_deep from None
        except ValueError as error:  # malformed JSON, or bytes that are not the charset
            raise ParseError(f"JSON parse error - {error}") from None
        if depth(data) > MAX_DEPTH:
            raise too_deep
        return data
