"""The background jobs page: queues, workers, and failed jobs to requeue or delete."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from coach.dashboard import jobs
from coach.web import services

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
def list_jobs() -> ResponseReturnValue:
    svc, now = services(), datetime.now(UTC)
    return render_template(
        "dashboard/jobs.html",
        queues=jobs.queue_rows(svc.redis, now),
        workers=jobs.worker_rows(svc.redis, now),
        failed=jobs.failed_jobs(svc),
    )


@bp.post("/<queue>/<job_id>/requeue")
def requeue(queue: str, job_id: str) -> ResponseReturnValue:
    jobs.requeue_job(services(), queue, job_id, g.operator)
    flash(f"Job {job_id} is back on the {queue} queue.")
    return redirect(url_for(".list_jobs"))


@bp.post("/<queue>/<job_id>/delete")
def delete(queue: str, job_id: str) -> ResponseReturnValue:
    jobs.delete_job(services(), queue, job_id, g.operator)
    flash(f"Job {job_id} is deleted.")
    return redirect(url_for(".list_jobs"))
