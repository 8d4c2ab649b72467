"""Trainee search, the trainee page, and the operator's actions on a trainee."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from coach.dashboard import charts, trainees
from coach.dashboard.trainee_detail import load_trainee
from coach.dashboard.views import forms
from coach.web import services

bp = Blueprint("trainees", __name__, url_prefix="/trainees")


@bp.get("/")
def search() -> ResponseReturnValue:
    query = request.args.get("q", "")
    return render_template("dashboard/trainees.html", q=query, found=trainees.search(services(), query))


@bp.get("/<int:trainee_id>")
def detail(trainee_id: int) -> ResponseReturnValue:
    found = load_trainee(services(), trainee_id)
    trend = charts.trend_lines([(s.movement, s.points) for s in found.e1rm_trend])
    return render_template("dashboard/trainee.html", t=found, trend=trend, request_id=uuid.uuid4())


@bp.post("/<int:trainee_id>/pause")
def pause(trainee_id: int) -> ResponseReturnValue:
    trainees.set_paused(services(), trainee_id, True, g.operator)
    flash("Paused: no scheduled texts until resumed.")
    return redirect(url_for(".detail", trainee_id=trainee_id))


@bp.post("/<int:trainee_id>/resume")
def resume(trainee_id: int) -> ResponseReturnValue:
    trainees.set_paused(services(), trainee_id, False, g.operator)
    flash("Resumed.")
    return redirect(url_for(".detail", trainee_id=trainee_id))


@bp.post("/<int:trainee_id>/text")
def send_text(trainee_id: int) -> ResponseReturnValue:
    body = request.form.get("body", "")
    queued = trainees.send_text(
        services(), trainee_id, body, forms.request_id(request.form.get("request_id")), g.operator
    )
    flash("Text queued (opt-out and quiet hours apply)." if queued else "That text was already queued.")
    return redirect(url_for(".detail", trainee_id=trainee_id))
