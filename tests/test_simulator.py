from __future__ import annotations

from coach.agent.onboarding.questions import INTRO
from coach.messaging.simulator import Simulator, chat
from tests.messaging_helpers import new_phone, run_jobs, use_twilio_double


def test_the_simulator_texts_coach_with_a_valid_signature_and_shows_the_reply(
    live_server, committed, twilio_api
):
    use_twilio_double(committed, twilio_api)
    simulator = Simulator(committed, new_phone(), live_server)
    assert simulator.send("hi there") == 200
    run_jobs(committed)
    [reply] = simulator.new_replies()
    assert reply.startswith(INTRO)
    assert simulator.new_replies() == []  # each text is shown once


def test_a_simulator_with_the_wrong_token_is_refused(live_server, committed):
    from dataclasses import replace

    wrong = replace(committed, settings=replace(committed.settings, twilio_auth_token="not-the-token"))
    assert Simulator(wrong, new_phone(), live_server).send("hi") == 403


def test_the_chat_loop_sends_each_line_and_stops_at_end_of_input(live_server, committed, capsys):
    lines = iter(["hello", "   ", "bye"])

    def read_line() -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    simulator = Simulator(committed, new_phone(), live_server)
    chat(simulator, read_line=read_line, poll_seconds=0.05)
    import sqlalchemy as sa

    from coach.models import Message

    with committed.sessions() as session:
        bodies = session.scalars(sa.select(Message.body).order_by(Message.id)).all()
    assert bodies == ["hello", "bye"]
    assert "Texting Coach as" in capsys.readouterr().out
