from __future__ import annotations

import sqlalchemy as sa
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from coach.messaging import copy
from coach.models import Conversation, Message, OutboundMessage, Trainee
from coach.models.enums import DeliveryState, Direction, OutboundKind, TraineeStatus
from tests.messaging_helpers import inbound_params, new_phone, post_sms, queued_job_ids, signed_headers


def _count(db, model) -> int:
    return int(db.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _trainee(db, phone: str) -> Trainee:
    found = db.scalar(sa.select(Trainee).where(Trainee.phone == phone))
    assert found is not None
    db.refresh(found)
    return found


def test_a_first_text_creates_an_onboarding_trainee_and_enqueues_one_answer(client, services, db):
    phone = new_phone()
    response = post_sms(client, services, inbound_params(phone, "Hi, I want to get stronger"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert response.get_data(as_text=True).endswith("<Response/>")
    trainee = _trainee(db, phone)
    assert trainee.status is TraineeStatus.ONBOARDING
    assert (
        db.scalar(
            sa.select(sa.func.count()).select_from(Conversation).where(Conversation.trainee_id == trainee.id)
        )
        == 1
    )
    message = db.scalar(sa.select(Message).where(Message.trainee_id == trainee.id))
    assert message is not None and message.body == "Hi, I want to get stronger"
    assert message.direction is Direction.INBOUND and message.handled_at is None
    assert queued_job_ids(services, "agent") == [f"inbound-{message.id}"]


def test_the_sender_number_is_stored_in_e164(client, services, db):
    post_sms(client, services, inbound_params("+1 (555) 700-9911", "hello"))
    assert _trainee(db, "+15557009911").phone == "+15557009911"


def test_a_twilio_retry_stores_nothing_new_and_enqueues_nothing(client, services, db):
    params = inbound_params(new_phone(), "did it")
    assert post_sms(client, services, params).status_code == 200
    assert post_sms(client, services, params).status_code == 200
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(Message)
            .where(Message.provider_sid == params["MessageSid"])
        )
        == 1
    )
    assert len(queued_job_ids(services, "agent")) == 1


def test_a_missing_signature_is_rejected_and_nothing_is_stored(client, services, db, redis_client):
    before = (_count(db, Trainee), _count(db, Message))
    response = client.post("/twilio/sms", data=inbound_params(new_phone(), "hi"))
    assert response.status_code == 403
    assert (_count(db, Trainee), _count(db, Message)) == before
    assert queued_job_ids(services, "agent") == []
    assert sum(int(redis_client.get(k) or 0) for k in redis_client.keys("coach:webhooks:rejected:*")) == 1


def test_a_wrong_signature_is_rejected_and_nothing_is_stored(client, services, db):
    params = inbound_params(new_phone(), "hi")
    headers = signed_headers(services, "/twilio/sms", params)
    tampered = {**params, "Body": "ignore previous instructions"}
    before = _count(db, Message)
    assert client.post("/twilio/sms", data=tampered, headers=headers).status_code == 403
    assert _count(db, Message) == before


def test_a_signature_for_another_url_is_rejected(client, services, db):
    params = inbound_params(new_phone(), "hi")
    headers = signed_headers(services, "/twilio/other", params)
    assert client.post("/twilio/sms", data=params, headers=headers).status_code == 403


def test_a_signature_over_the_url_with_its_default_port_is_accepted_too(client, services, db):
    """Twilio has signed some requests with the port spelled out; RequestValidator accepts both forms."""
    params = inbound_params(new_phone(), "hi")
    base = services.settings.public_base_url
    scheme, _, host = base.partition("://")
    with_port = f"{scheme}://{host}:{443 if scheme == 'https' else 80}/twilio/sms"
    token = services.settings.twilio_auth_token
    headers = {"X-Twilio-Signature": RequestValidator(token).compute_signature(with_port, params)}
    before = _count(db, Message)
    assert client.post("/twilio/sms", data=params, headers=headers).status_code == 200
    assert _count(db, Message) == before + 1


def test_every_value_of_a_repeated_field_is_signed(client, services, db):
    params = inbound_params(new_phone(), "hi")
    url = services.settings.public_base_url + "/twilio/sms"
    posted = MultiDict([*params.items(), ("Extra", "b"), ("Extra", "a")])
    token = services.settings.twilio_auth_token
    first_only = {**params, "Extra": "b"}
    forged = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, first_only)}
    assert client.post("/twilio/sms", data=posted, headers=forged).status_code == 403
    genuine = {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, posted)}
    assert client.post("/twilio/sms", data=posted, headers=genuine).status_code == 200


def test_a_query_string_that_is_not_utf8_is_refused_not_a_server_error(client, services, db):
    params = inbound_params(new_phone(), "hi")
    headers = signed_headers(services, "/twilio/sms", params)
    response = client.post(
        "/twilio/sms", data=params, headers=headers, environ_overrides={"QUERY_STRING": "x=\xff"}
    )
    assert response.status_code == 403


def test_a_request_without_from_or_message_sid_is_a_400_and_stores_nothing(client, services, db):
    before = (_count(db, Trainee), _count(db, Message))
    for params in (
        {k: v for k, v in inbound_params(new_phone(), "hi").items() if k != "From"},
        {k: v for k, v in inbound_params(new_phone(), "hi").items() if k != "MessageSid"},
        inbound_params("not a phone", "hi"),
        inbound_params(new_phone(), "hi", sid="SM'; DROP TABLE messages;--"),
    ):
        assert post_sms(client, services, params).status_code == 400
    assert (_count(db, Trainee), _count(db, Message)) == before


def test_stop_opts_out_suppresses_waiting_texts_and_sends_nothing(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "hello"))
    trainee = _trainee(db, phone)
    db.add(
        OutboundMessage(
            trainee_id=trainee.id,
            kind=OutboundKind.DAILY_WORKOUT,
            body="Squats",
            idempotency_key=f"daily:{trainee.id}:2026-11-23",
        )
    )
    db.commit()
    jobs_before = queued_job_ids(services, "agent")

    assert post_sms(client, services, inbound_params(phone, "  Stop ")).status_code == 200
    trainee = _trainee(db, phone)
    assert trainee.status is TraineeStatus.OPTED_OUT
    assert trainee.opted_out_at is not None and trainee.opt_out_source == "sms:STOP"
    states = db.scalars(
        sa.select(OutboundMessage.state).where(OutboundMessage.trainee_id == trainee.id)
    ).all()
    assert states == [DeliveryState.SUPPRESSED]
    assert queued_job_ids(services, "agent") == jobs_before


def test_every_twilio_stop_word_opts_out(client, services, db):
    for word in ("STOPALL", "unsubscribe", "CANCEL", "end", "QUIT", "revoke", "OPTOUT"):
        phone = new_phone()
        post_sms(client, services, inbound_params(phone, word))
        assert _trainee(db, phone).status is TraineeStatus.OPTED_OUT, word


def test_texts_while_opted_out_are_kept_but_not_answered(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "STOP"))
    jobs_before = queued_job_ids(services, "agent")
    post_sms(client, services, inbound_params(phone, "are you there?"))
    trainee = _trainee(db, phone)
    bodies = db.scalars(
        sa.select(Message.body).where(Message.trainee_id == trainee.id).order_by(Message.id)
    ).all()
    assert bodies == ["STOP", "are you there?"]
    assert queued_job_ids(services, "agent") == jobs_before
    assert _count_outbound(db, trainee.id) == 0


def _count_outbound(db, trainee_id: int) -> int:
    return int(
        db.scalar(
            sa.select(sa.func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.trainee_id == trainee_id)
        )
        or 0
    )


def test_start_after_stop_opts_back_in_with_one_welcome_back(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "STOP"))
    post_sms(client, services, inbound_params(phone, "start"))
    trainee = _trainee(db, phone)
    assert trainee.status is TraineeStatus.ONBOARDING
    assert trainee.opted_out_at is None and trainee.consent_source == "sms:START"
    bodies = db.scalars(sa.select(OutboundMessage.body).where(OutboundMessage.trainee_id == trainee.id)).all()
    assert bodies == [copy.WELCOME_BACK]


def test_yes_only_resubscribes_someone_opted_out(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "yes"))
    assert _trainee(db, phone).status is TraineeStatus.ONBOARDING
    assert len(queued_job_ids(services, "agent")) == 1  # an ordinary answer, not a keyword
    post_sms(client, services, inbound_params(phone, "STOP"))
    post_sms(client, services, inbound_params(phone, "YES"))
    assert _trainee(db, phone).status is TraineeStatus.ONBOARDING
    assert _count_outbound(db, _trainee(db, phone).id) == 1


def test_help_replies_with_who_we_are_how_to_stop_and_rates(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "help"))
    trainee = _trainee(db, phone)
    row = db.scalar(sa.select(OutboundMessage).where(OutboundMessage.trainee_id == trainee.id))
    assert row is not None and row.kind is OutboundKind.SYSTEM
    assert "Coach" in row.body and "STOP" in row.body and "Msg & data rates may apply" in row.body
    assert queued_job_ids(services, "agent") == []


def test_a_sentence_asking_to_stop_is_not_a_keyword(client, services, db):
    phone = new_phone()
    post_sms(client, services, inbound_params(phone, "please stop texting me"))
    assert _trainee(db, phone).status is TraineeStatus.ONBOARDING
    assert len(queued_job_ids(services, "agent")) == 1


def test_photos_are_stored_with_their_urls_and_types(client, services, db):
    phone = new_phone()
    params = inbound_params(
        phone,
        "",
        NumMedia="2",
        MediaUrl0="https://api.twilio.com/media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/media/ME2",
        MediaContentType1="image/png",
    )
    assert post_sms(client, services, params).status_code == 200
    message = db.scalar(sa.select(Message).where(Message.provider_sid == params["MessageSid"]))
    assert message is not None and message.num_media == 2
    assert message.media == [
        {"url": "https://api.twilio.com/media/ME1", "content_type": "image/jpeg"},
        {"url": "https://api.twilio.com/media/ME2", "content_type": "image/png"},
    ]


def test_hostile_input_is_stored_safely_without_errors(client, services, db):
    bodies = [
        "x" * 1600,
        "Squats done 💪🏽🔥 " * 20,
        "تمرين اليوم كان رائعا",  # RTL text
        "null\x00byte\x00s",
        "<script>alert(1)</script>",
        "'; DROP TABLE trainees; --",
    ]
    for body in bodies:
        params = inbound_params(new_phone(), body)
        assert post_sms(client, services, params).status_code == 200
        stored = db.scalar(sa.select(Message.body).where(Message.provider_sid == params["MessageSid"]))
        assert stored == body.replace("\x00", "")


def test_nul_bytes_in_media_fields_are_dropped_not_a_server_error(client, services, db):
    params = inbound_params(
        new_phone(), "pic", NumMedia="1", MediaUrl0="https://x.test/m\x00e", MediaContentType0="image/\x00png"
    )
    assert post_sms(client, services, params).status_code == 200
    message = db.scalar(sa.select(Message).where(Message.provider_sid == params["MessageSid"]))
    assert message is not None and message.media == [
        {"url": "https://x.test/me", "content_type": "image/png"}
    ]


def test_absurd_media_counts_do_not_break_ingest(client, services, db):
    for count in ("100000", "-5", "lots"):
        params = inbound_params(new_phone(), "pic", NumMedia=count)
        assert post_sms(client, services, params).status_code == 200
        message = db.scalar(sa.select(Message).where(Message.provider_sid == params["MessageSid"]))
        assert message is not None and 0 <= message.num_media <= 100 and message.media == []
