"""A terminal SMS simulator: posts correctly signed webhooks to a running Coach and shows its texts back."""

from __future__ import annotations

import secrets
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import sqlalchemy as sa

from coach.bootstrap import Services
from coach.messaging.signature import sign
from coach.models import Message, Trainee
from coach.models.enums import Direction


class Simulator:
    """One simulated phone talking to the Coach at `app_url`."""

    def __init__(self, services: Services, phone: str, app_url: str, to: str = "+15550000000") -> None:
        self.services = services
        self.phone = phone
        self.app_url = app_url.rstrip("/")
        self.to = to
        self.last_seen_id = self._newest_outbound_id()

    def send(self, body: str) -> int:
        """Post one text as Twilio would; returns the HTTP status the app answered."""
        params = {
            "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": self.services.settings.twilio_account_sid or "AC" + "0" * 32,
            "From": self.phone,
            "To": self.to,
            "Body": body,
            "NumMedia": "0",
        }
        token = self.services.settings.twilio_auth_token or ""
        signed_url = self.services.settings.public_base_url + "/twilio/sms"
        request = urllib.request.Request(  # noqa: S310 - the operator's own Coach
            self.app_url + "/twilio/sms",
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": sign(token, signed_url, params)},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def new_replies(self) -> list[str]:
        """Texts the coach has sent this phone since the last call, oldest first."""
        with self.services.sessions() as session:
            rows = session.execute(
                sa.select(Message.id, Message.body)
                .join(Trainee, Trainee.id == Message.trainee_id)
                .where(Trainee.phone == self.phone, Message.direction == Direction.OUTBOUND)
                .where(Message.id > self.last_seen_id)
                .order_by(Message.id)
            ).all()
        if rows:
            self.last_seen_id = rows[-1][0]
        return [body for _, body in rows]

    def _newest_outbound_id(self) -> int:
        with self.services.sessions() as session:
            newest = session.scalar(
                sa.select(sa.func.max(Message.id))
                .join(Trainee, Trainee.id == Message.trainee_id)
                .where(Trainee.phone == self.phone, Message.direction == Direction.OUTBOUND)
            )
        return int(newest or 0)


def _prompt() -> str:
    return input("> ")


def chat(simulator: Simulator, read_line: Callable[[], str] = _prompt, poll_seconds: float = 0.5) -> None:
    """Interactive loop: what you type is texted to Coach; Coach's texts are printed as they go out."""
    stop = threading.Event()

    def show_replies() -> None:
        while not stop.wait(poll_seconds):
            for body in simulator.new_replies():
                print(f"\r\033[K< coach: {body}\n> ", end="", flush=True)

    threading.Thread(target=show_replies, daemon=True).start()
    print(f"Texting Coach as {simulator.phone}. Type a message and press Enter; Ctrl-D or Ctrl-C to quit.")
    try:
        while True:
            body = read_line()
            if body.strip():
                status = simulator.send(body)
                if status != 200:
                    print(f"  (Coach answered HTTP {status})", file=sys.stderr)
    except (EOFError, KeyboardInterrupt):
        print()
    finally:
        stop.set()
