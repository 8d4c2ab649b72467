"""A posted form, parsed as werkzeug parses it, without werkzeug's general machinery around the parse.

Twilio posts every webhook as `application/x-www-form-urlencoded`. `request.form` spends about half its time
choosing a parser, wrapping the stream and building the result (a tenth of a webhook's own CPU); for that
one content type this reads the body (limited by MAX_CONTENT_LENGTH, as werkzeug limits it) and makes the
`parse_qsl` call werkzeug makes. Any other content type is left to `request.form`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" error handler used below
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

URLENCODED = "application/x-www-form-urlencoded"
# werkzeug's choice for a value that is not UTF-8 once unquoted: it keeps its %-escapes.
UNQUOTE_ERRORS = "werkzeug.url_quote"


def posted_form(request: Request) -> MultiDict[str, str]:
    """The request's form fields, every value of a repeated field kept. A body that is not UTF-8 has no
    fields (werkzeug's parser drops it the same way); one over MAX_CONTENT_LENGTH is a 413."""
    content_type = request.environ.get("CONTENT_TYPE", "")
    if content_type.partition(";")[0].strip().lower() != URLENCODED:
        return request.form
    try:
        fields = parse_qsl(request.stream.read().decode(), keep_blank_values=True, errors=UNQUOTE_ERRORS)
    except ValueError:
        fields = []
    return ImmutableMultiDict(fields)
