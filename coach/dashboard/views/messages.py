"""The message queue page: filter, retry a failed text, cancel a queued one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from coach.dashboard import messages
from coach.dashboard.views import forms
from coach.models.enums import DeliveryState, OutboundKind
from coach.web import services

bp = Blueprint("messages", __name__, url_prefix="/messages")


@bp.get("/")
def list_texts() -> ResponseReturnValue:
    which = messages.MessageFilter(
        state=forms.choice(DeliveryState, request.args.get("state")),
        kind=forms.choice(OutboundKind, request.args.get("kind")),
        phone=request.args.get("phone", "").strip()[:20] or None,
        before_id=forms.optional_id(request.args.get("before")),
    )
    texts = messages.find_texts(services(), which)
    return render_template(
        "dashboard/messages.html",
        texts=texts,
        which=which,
        states=[s.value for s in DeliveryState if s is not DeliveryState.RECEIVED],
        kinds=[k.value for k in OutboundKind],
        more=len(texts) == messages.PAGE_SIZE,
    )


@bp.post("/<int:outbound_id>/retry")
def retry(outbound_id: int) -> ResponseReturnValue:
    messages.retry_text(services(), outbound_id, g.operator, datetime.now(UTC))
    flash(f"Text {outbound_id} is queued again; the senders have been woken.")
    return redirect(forms.back_to(url_for(".list_texts")))


@bp.post("/<int:outbound_id>/cancel")
def cancel(outbound_id: int) -> ResponseReturnValue:
    messages.cancel_text(services(), outbound_id, g.operator)
    flash(f"Text {outbound_id} is cancelled.")
    return redirect(forms.back_to(url_for(".list_texts")))
