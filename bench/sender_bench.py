"""Sender throughput against the local Twilio double, compared with a plain HTTP POST loop to the same double.

    python -m bench.sender_bench [--texts 1000] [--senders 1]

Target (issue: messaging): the sender reaches >= 0.5 x the plain loop's texts per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from bench.common import bench_database, print_table
from coach.config import Settings
from coach.db import make_engine
from coach.messaging import delivery, outbox
from coach.messaging.sms import TwilioSender
from coach.models import Trainee
from coach.models.enums import OutboundKind, TraineeStatus
from tests.doubles.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TwilioApiDouble


def _serve_double(port_out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    double = TwilioApiDouble().start()
    port_out.put(double.base_url)
    threading.Event().wait()


def plain_loop(base_url: str, texts: int) -> float:
    """Texts per second for a bare requests.Session posting the same form to the same double."""
    url = f"{base_url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    session = requests.Session()
    started = time.perf_counter()
    for n in range(texts):
        response = session.post(
            url,
            data={"To": f"+1555{n:07d}", "From": "+15550009999", "Body": f"text {n}"},
            auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN),
            timeout=10,
        )
        response.raise_for_status()
    return texts / (time.perf_counter() - started)


def coach_sender(
    base_url: str, database_url: str, texts: int, senders: int, batch: int, concurrency: int
) -> float:
    engine = make_engine(database_url, pool_size=senders + 2)
    sessions = sessionmaker(bind=engine)
    settings = Settings(public_base_url="https://coach.example", twilio_from_number="+15550009999")
    _queue(sessions, texts)
    sender = TwilioSender(
        TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, from_number="+15550009999", api_base_url=base_url
    )
    # Replies, so quiet hours do not apply; a minute ahead, so every row queued just now is due.
    now = datetime.now(UTC) + timedelta(minutes=1)
    sent: list[int] = []

    def drain(executor: ThreadPoolExecutor) -> None:
        while True:
            with sessions() as session:
                outcomes = delivery.send_due(session, sender, settings, now, limit=batch, executor=executor)
            if not outcomes:
                return
            sent.append(outcomes.count("sent"))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as executor:
        threads = [threading.Thread(target=drain, args=(executor,)) for _ in range(senders)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    rate = texts / (time.perf_counter() - started)
    engine.dispose()
    if sum(sent) != texts:
        raise RuntimeError(f"the sender sent {sum(sent)} of {texts} texts; the figure would be meaningless")
    return rate


def _queue(sessions: sessionmaker, texts: int) -> None:  # type: ignore[type-arg]
    with sessions() as session:
        session.execute(sa.text("TRUNCATE trainees RESTART IDENTITY CASCADE"))
        trainees = [Trainee(phone=f"+1555{n:07d}", status=TraineeStatus.ACTIVE) for n in range(100)]
        session.add_all(trainees)
        session.flush()
        for n in range(texts):
            trainee = trainees[n % len(trainees)]
            outbox.enqueue_text(
                session,
                trainee_id=trainee.id,
                kind=OutboundKind.REPLY,
                body=f"text {n}",
                idempotency_key=f"bench:{n}",
                segment_budget=3,
            )
        session.commit()
        session.execute(sa.text("ANALYZE outbound_messages"))  # steady state: autovacuum keeps stats fresh
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=1, help="sender loops (RQ send jobs) at once")
    parser.add_argument("--batch", type=int, default=16, help="texts claimed per transaction")
    parser.add_argument("--concurrency", type=int, default=8, help="texts handed to Twilio at once")
    args = parser.parse_args()
    database_url = bench_database("coach_bench_sender")
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve_double, args=(ports,), daemon=True)
    server.start()
    base_url = ports.get(timeout=10)
    try:
        plain_loop(base_url, 100)  # warm-up
        plain = plain_loop(base_url, args.texts)
        coach = coach_sender(base_url, database_url, args.texts, args.senders, args.batch, args.concurrency)
    finally:
        server.terminate()
    ratio = coach / plain
    print_table(
        f"Sender throughput, {args.texts} texts to the local Twilio double "
        f"({args.senders} sender, batch {args.batch}, {args.concurrency} at once)",
        [
            ("plain requests.Session POST loop", f"{plain:.0f} texts/s", ""),
            ("Coach sender (claim, send, record)", f"{coach:.0f} texts/s", ""),
            ("ratio (target >= 0.5)", f"{ratio:.2f}", "PASS" if ratio >= 0.5 else "MISS"),
        ],
    )


if __name__ == "__main__":
    main()
