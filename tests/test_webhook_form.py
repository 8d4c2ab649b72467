"""The webhook's own form parsing and signing agree with werkzeug's and twilio's on awkward input."""

from __future__ import annotations

import random
import urllib.parse
from urllib.parse import parse_qsl

import pytest
from flask import Flask, Request
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from coach.messaging.signature import is_valid, sign
from coach.web.forms import UNQUOTE_ERRORS, pairs, posted_form

FIELDS = [
    ("MessageSid", "SM" + "ab" * 16),
    ("Body", "Squats 💪 100kg 5x5 @8 & done = good + more"),
    ("Body2", "تمرين اليوم"),
    ("Empty", ""),
    ("Repeated", "b"),
    ("Repeated", "a"),
    ("Repeated", "b"),  # the same value twice
    ("Plus", "a+b c"),
]
BODIES = [
    urllib.parse.urlencode(FIELDS).encode(),
    b"Body=%FF%FEnot-utf8&From=%2B15550001111",  # escapes that do not decode to UTF-8
    b"Body=caf\xc3\xa9\xff&From=x",  # raw bytes that are not UTF-8
    b"a=1&&b&=c&d==e;f=2",  # empty pairs, a name without a value, an empty name
    b"",
]


def _request(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Request:
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    return Request(environ)


@pytest.mark.parametrize("body", BODIES)
def test_the_form_is_what_werkzeug_parses(body: bytes) -> None:
    ours = posted_form(_request(body))
    theirs = _request(body).form
    assert list(ours.items(multi=True)) == list(theirs.items(multi=True))


def test_fields_split_as_parse_qsl_splits_them() -> None:
    rng = random.Random(7)
    alphabet = [
        "a",
        "Z",
        "0",
        "&",
        "=",
        "+",
        " ",
        "%",
        "%2",
        "%20",
        "%2B",
        "%26",
        "%3D",
        "%FF",
        "%C3%A9",
        "é",
        "💪",
    ]
    for _ in range(3000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))
        assert pairs(body) == parse_qsl(body, keep_blank_values=True, errors=UNQUOTE_ERRORS), body


def test_a_request_without_a_content_length_is_parsed_by_werkzeug() -> None:
    body = urllib.parse.urlencode(FIELDS).encode()
    request = _request(body)
    del request.environ["CONTENT_LENGTH"]
    request.environ["wsgi.input_terminated"] = True
    assert list(posted_form(request).items(multi=True)) == FIELDS


def test_other_content_types_are_left_to_werkzeug() -> None:
    app = Flask(__name__)
    with app.test_request_context(
        "/", method="POST", data={"a": "1", "b": "2"}, content_type="multipart/form-data"
    ):
        from flask import request

        assert posted_form(request).to_dict() == {"a": "1", "b": "2"}


def test_a_body_over_the_limit_is_refused() -> None:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 10
    with app.test_request_context(
        "/", method="POST", data=b"a=" + b"x" * 100, content_type="application/x-www-form-urlencoded"
    ):
        from flask import request
        from werkzeug.exceptions import RequestEntityTooLarge

        with pytest.raises(RequestEntityTooLarge):
            posted_form(request)


@pytest.mark.parametrize(
    "params",
    [
        dict(FIELDS),
        MultiDict(FIELDS),
        {},
        {"Body": "line\nbreak\ttab\x00nul", "From": "+15550001111"},
    ],
)
def test_signatures_are_twilios(params) -> None:
    url = "https://coach.example/twilio/sms?o=42"
    token = "a-test-auth-token"
    twilio = RequestValidator(token).compute_signature(url, params)
    assert sign(token, url, params) == twilio
    assert is_valid(token, url, params, twilio)
    assert not is_valid(token, url, params, sign("another-token", url, params))
