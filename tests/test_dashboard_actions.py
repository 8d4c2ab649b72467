"""What an operator can do, and that each action is written to the audit log."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy.orm import Session

from coach.models import AgentRun, AuditEntry, OutboundMessage, Trainee
from coach.models.enums import AgentOutcome, DeliveryState, OutboundKind, TraineeStatus
from tests.messaging_helpers import queued_job_ids
from tests.test_dashboard_support import csrf, failed_text, logged_in, queued_text, trainee


@pytest.fixture
def operator(client: FlaskClient) -> FlaskClient:
    return logged_in(client)


def _audit(db: Session) -> list[AuditEntry]:
    return list(db.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _post(client: FlaskClient, url: str, **form: str) -> object:
    return client.post(url, data={"csrf_token": csrf(client), **form})


def test_retrying_a_failed_text_queues_it_again_wakes_the_senders_and_is_audited(
    operator: FlaskClient, db: Session, services
):
    text = failed_text(db, trainee(db))
    response = _post(
        operator, f"/dashboard/messages/{text.id}/retry", next="/dashboard/messages/?state=failed"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/messages/?state=failed"
    db.refresh(text)
    assert (text.state, text.attempts, text.error_code) == (DeliveryState.QUEUED, 0, None)
    assert len(queued_job_ids(services, "send")) == 1
    [entry] = _audit(db)
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        "alice",
        "message.retry",
        "outbound_message",
        str(text.id),
    )
    assert entry.details["was"] == "failed" and entry.details["address"] == "127.0.0.1"


def test_only_a_failed_text_can_be_retried(operator: FlaskClient, db: Session):
    text = queued_text(db, trainee(db), state=DeliveryState.DELIVERED)
    assert _post(operator, f"/dashboard/messages/{text.id}/retry").status_code == 409
    assert _post(operator, "/dashboard/messages/999999999/retry").status_code == 404
    assert _audit(db) == []


def test_cancelling_a_queued_text_stops_it_and_is_audited(operator: FlaskClient, db: Session):
    text = queued_text(db, trainee(db))
    assert _post(operator, f"/dashboard/messages/{text.id}/cancel").status_code == 302
    db.refresh(text)
    assert text.state is DeliveryState.CANCELLED
    assert [e.action for e in _audit(db)] == ["message.cancel"]
    assert _post(operator, f"/dashboard/messages/{text.id}/cancel").status_code == 409


def test_the_messages_page_offers_retry_and_cancel_where_they_apply(operator: FlaskClient, db: Session):
    owner = trainee(db)
    failed, queued = failed_text(db, owner), queued_text(db, owner)
    page = operator.get("/dashboard/messages/").get_data(as_text=True)
    assert f"/dashboard/messages/{failed.id}/retry" in page
    assert f"/dashboard/messages/{queued.id}/cancel" in page
    assert f"/dashboard/messages/{queued.id}/retry" not in page


def test_pause_and_resume_a_trainee(operator: FlaskClient, db: Session):
    owner = trainee(db)
    assert _post(operator, f"/dashboard/trainees/{owner.id}/pause").status_code == 302
    db.refresh(owner)
    assert owner.status is TraineeStatus.PAUSED
    assert _post(operator, f"/dashboard/trainees/{owner.id}/pause").status_code == 409
    assert _post(operator, f"/dashboard/trainees/{owner.id}/resume").status_code == 302
    db.refresh(owner)
    assert owner.status is TraineeStatus.ACTIVE
    assert [e.action for e in _audit(db)] == ["trainee.pause", "trainee.resume"]


def test_an_opted_out_trainee_cannot_be_resumed(operator: FlaskClient, db: Session):
    owner = trainee(db, status=TraineeStatus.OPTED_OUT)
    assert _post(operator, f"/dashboard/trainees/{owner.id}/resume").status_code == 409
    assert db.scalar(sa.select(Trainee.status).where(Trainee.id == owner.id)) is TraineeStatus.OPTED_OUT


def test_a_one_off_text_goes_through_the_outbox_once_and_wakes_the_senders(
    operator: FlaskClient, db: Session, services
):
    owner = trainee(db)
    request_id = str(uuid.uuid4())
    form = {"body": "Gym closed Monday, rest up!", "request_id": request_id}
    assert _post(operator, f"/dashboard/trainees/{owner.id}/text", **form).status_code == 302
    assert _post(operator, f"/dashboard/trainees/{owner.id}/text", **form).status_code == 302  # double submit
    [row] = db.scalars(sa.select(OutboundMessage).where(OutboundMessage.trainee_id == owner.id))
    assert (row.kind, row.state, row.body) == (OutboundKind.OPERATOR, DeliveryState.QUEUED, form["body"])
    assert row.idempotency_key == f"operator:{request_id}"
    assert len(queued_job_ids(services, "send")) == 1
    [entry] = _audit(db)
    assert entry.action == "trainee.send_text" and entry.details["body"] == form["body"]


def test_an_empty_text_or_a_missing_request_id_is_refused(operator: FlaskClient, db: Session):
    owner = trainee(db)
    url = f"/dashboard/trainees/{owner.id}/text"
    assert _post(operator, url, body="   ", request_id=str(uuid.uuid4())).status_code == 409
    assert _post(operator, url, body="hi").status_code == 400
    assert db.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)) == 0


def test_marking_a_safety_flag_handled_is_audited(operator: FlaskClient, db: Session):
    run = AgentRun(outcome=AgentOutcome.SAFETY, flagged=True, flag_reason="chest pain")
    db.add(run)
    db.flush()
    assert _post(operator, f"/dashboard/agent-runs/{run.id}/handled").status_code == 302
    db.refresh(run)
    assert run.handled_at is not None
    assert [(e.action, e.details["reason"]) for e in _audit(db)] == [("agent_run.mark_handled", "chest pain")]
    assert _post(operator, f"/dashboard/agent-runs/{run.id}/handled").status_code == 409
    assert "chest pain" not in operator.get("/dashboard/agent-runs/?show=flagged").get_data(as_text=True)


def _explode() -> None:
    raise RuntimeError("the job blew up")


def _failed_job(services) -> str:
    """A job on the send queue that ran and failed, as RQ records it."""
    from coach.worker import Worker

    queue = Queue("send", connection=services.redis)
    job = queue.enqueue(_explode, job_id="send-doomed")
    Worker([queue], connection=services.redis).work(burst=True)
    assert job.id in FailedJobRegistry("send", connection=services.redis)
    return job.id


def test_failed_jobs_show_their_exception_and_can_be_requeued(operator: FlaskClient, db: Session, services):
    job_id = _failed_job(services)
    page = operator.get("/dashboard/jobs/").get_data(as_text=True)
    assert job_id in page and "RuntimeError: the job blew up" in page
    assert _post(operator, f"/dashboard/jobs/send/{job_id}/requeue").status_code == 302
    assert job_id in queued_job_ids(services, "send")
    assert job_id not in FailedJobRegistry("send", connection=services.redis)
    assert [(e.action, e.target_id) for e in _audit(db)] == [("job.requeue", job_id)]


def test_failed_jobs_can_be_deleted(operator: FlaskClient, db: Session, services):
    job_id = _failed_job(services)
    assert _post(operator, f"/dashboard/jobs/send/{job_id}/delete").status_code == 302
    assert job_id not in FailedJobRegistry("send", connection=services.redis)
    [entry] = _audit(db)
    assert entry.action == "job.delete" and "RuntimeError" in entry.details["exception"]
    assert _post(operator, f"/dashboard/jobs/send/{job_id}/delete").status_code == 404
    assert _post(operator, f"/dashboard/jobs/nope/{job_id}/delete").status_code == 404


def test_the_audit_page_shows_who_did_what(operator: FlaskClient, db: Session):
    text = queued_text(db, trainee(db))
    _post(operator, f"/dashboard/messages/{text.id}/cancel")
    page = operator.get("/dashboard/audit/").get_data(as_text=True)
    assert "alice" in page and "message.cancel" in page and str(text.id) in page
