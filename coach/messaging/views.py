"""Twilio's webhooks: verify, parse, call one service, answer with empty TwiML."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from coach.bootstrap import Services
from coach.messaging import signature, tasks
from coach.messaging.inbound import MalformedInbound, receive_sms
from coach.messaging.status import MalformedStatus, apply_status
from coach.web import answer_jobs, services
from coach.web.forms import posted_form

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
log = logging.getLogger("coach.webhooks")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
REJECTED_KEY = "coach:webhooks:rejected:{hour}"


def _twiml(status: int = 200) -> Response:
    return Response(EMPTY_TWIML if status == 200 else "", status=status, mimetype="text/xml")


def _signed(svc: Services, form: MultiDict[str, str]) -> bool:
    query = request.query_string.decode("utf-8", "replace")  # not UTF-8: not signed by Twilio either
    url = signature.public_url(svc.settings.public_base_url, request.path, query)
    ok = signature.is_valid(
        svc.settings.twilio_auth_token, url, form, request.headers.get("X-Twilio-Signature")
    )
    if not ok:
        _count_rejection(svc)
    return ok


def _count_rejection(svc: Services) -> None:
    key = REJECTED_KEY.format(hour=datetime.now(UTC).strftime("%Y%m%d%H"))
    try:
        pipe = svc.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 3 * 86400)
        pipe.execute()
    except Exception:  # the count is for the dashboard; failing to count must not change the answer
        log.warning("could not count a rejected webhook", exc_info=True)


@bp.post("/sms")
def inbound_sms() -> Response:
    svc = services()
    form = posted_form(request)
    if not _signed(svc, form):
        return Response("invalid signature", status=403, mimetype="text/plain")
    try:
        result = receive_sms(
            svc.sessions, form, now=datetime.now(UTC), segment_budget=svc.settings.sms_segment_budget
        )
    except MalformedInbound as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    # Only after the commit. The answer's job is enqueued in a moment, off this request; a keyword's reply
    # (rare) wakes the senders now. If Redis is down the text is safe: the sweeper finds it.
    if result.message_id is not None and result.needs_answer:
        answer_jobs().post(result.message_id)
    if result.queued_outbound:
        _wake_senders(svc)
    return _twiml()


def _wake_senders(svc: Services) -> None:
    try:
        tasks.wake_senders(svc)
    except Exception:
        log.exception("stored the keyword's reply but could not wake the senders; the scheduler will")


@bp.post("/status")
def status_callback() -> Response:
    svc = services()
    form = posted_form(request)
    if not _signed(svc, form):
        return Response("invalid signature", status=403, mimetype="text/plain")
    try:
        with svc.sessions() as session:
            apply_status(session, form, outbound_hint=request.args.get("o"), now=datetime.now(UTC))
    except MalformedStatus as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    return _twiml()
