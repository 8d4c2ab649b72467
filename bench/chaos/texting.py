"""Trainees texting Coach the way Twilio delivers them: signed webhooks over HTTP, retried on a 5xx.

The signature covers PUBLIC_BASE_URL + /twilio/sms (here the local gunicorn's URL, as in bench/webhook_bench).
A delivery is retried like Twilio's webhook retries on a 5xx, a timeout or a refused connection, with a short
growing pause, until it is answered 200 or `give_up_after` seconds have passed. Every answer is counted.
"""

from __future__ import annotations

import http.client
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from coach.messaging.signature import sign
from tests.doubles.twilio_api import TEST_ACCOUNT_SID

COACH_NUMBER = "+15550009999"
RETRY_PAUSES = (0.5, 1.0, 2.0, 4.0)  # then 4 s between tries


@dataclass(frozen=True)
class Text:
    sid: str
    phone: str
    body: str


def make_texts(label: str, count: int, phones: int, first_phone: int = 0) -> list[Text]:
    """`count` distinct texts from `phones` numbers, round-robin, so one number's texts are spread out."""
    return [
        Text(
            sid="SM" + secrets.token_hex(16),
            phone=f"+1555{(first_phone + n % phones) % 10_000_000:07d}",
            body=f"{label} check-in {n}: slept ok, legs a bit sore",
        )
        for n in range(count)
    ]


class Texter:
    """Posts inbound webhooks to one Coach; thread-safe; counts every HTTP answer by code."""

    def __init__(self, app_url: str, auth_token: str, give_up_after: float = 180) -> None:
        self.app_url = app_url.rstrip("/")
        self.signed_url = self.app_url + "/twilio/sms"  # PUBLIC_BASE_URL is the app's own URL here
        self.auth_token = auth_token
        self.give_up_after = give_up_after
        self.codes: Counter[str] = Counter()
        self.undelivered: list[Text] = []
        self.refused_at: list[float] = []  # time.monotonic() of every answer other than 200
        self._lock = threading.Lock()

    def form(self, text: Text) -> dict[str, str]:
        return {
            "MessageSid": text.sid,
            "SmsSid": text.sid,
            "AccountSid": TEST_ACCOUNT_SID,
            "From": text.phone,
            "To": COACH_NUMBER,
            "Body": text.body,
            "NumMedia": "0",
            "ApiVersion": "2010-04-01",
        }

    def deliver(self, text: Text, copies: int = 1) -> bool:
        """Post the text `copies` times at once (Twilio retrying before the first answer arrived).

        Each copy retries on its own until answered 200. True when any copy got a 200.
        """
        if copies == 1:
            ok = self._deliver_one(text)
        else:
            results: list[bool] = []
            start = threading.Barrier(copies)

            def one() -> None:
                start.wait(timeout=30)
                results.append(self._deliver_one(text))

            threads = [threading.Thread(target=one) for _ in range(copies)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            ok = any(results)
        if not ok:
            with self._lock:
                self.undelivered.append(text)
        return ok

    def _deliver_one(self, text: Text) -> bool:
        form = self.form(text)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(self.auth_token, self.signed_url, form),
        }
        body = urllib.parse.urlencode(form)
        started = time.monotonic()
        tries = 0
        while True:
            outcome = self._post(body, headers)
            with self._lock:
                self.codes[outcome] += 1
                if outcome != "200":
                    self.refused_at.append(time.monotonic())
            if outcome == "200":
                return True
            if outcome.startswith("4") or time.monotonic() - started > self.give_up_after:
                return False  # a 4xx is final for Twilio too (and a bug here: every text is valid)
            time.sleep(RETRY_PAUSES[min(tries, len(RETRY_PAUSES) - 1)])
            tries += 1

    def _post(self, body: str, headers: dict[str, str]) -> str:
        parsed = urllib.parse.urlsplit(self.app_url)
        conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=15)
        try:
            conn.request("POST", "/twilio/sms", body, headers)
            response = conn.getresponse()
            response.read()
            return str(response.status)
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "refused"
        except (ConnectionError, http.client.HTTPException):
            return "connection error"
        finally:
            conn.close()

    def send_all(
        self,
        texts: Sequence[Text],
        *,
        rate: float | None = None,
        concurrency: int = 16,
        copies: Callable[[int], int] = lambda n: 1,
        during: Callable[[float], None] | None = None,
    ) -> float:
        """Deliver every text, at `rate` per second (open loop) or as fast as `concurrency` allows.

        `during(elapsed)` is called about ten times a second while texts are still going out (to fire a
        fault at a chosen moment). Returns the seconds taken.
        """
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = []
            for n, text in enumerate(texts):
                if rate:
                    while (delay := started + n / rate - time.monotonic()) > 0:
                        time.sleep(min(delay, 0.1))
                        if during:
                            during(time.monotonic() - started)
                futures.append(pool.submit(self.deliver, text, copies(n)))
            while not all(future.done() for future in futures):
                time.sleep(0.1)
                if during:
                    during(time.monotonic() - started)
            for future in futures:
                future.result()
        return time.monotonic() - started

    def posts(self) -> int:
        """Webhook requests answered so far (any code)."""
        with self._lock:
            return self.codes.total()

    def codes_snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.codes)

    def codes_line(self) -> str:
        with self._lock:
            return ", ".join(f"{code} x{count}" for code, count in sorted(self.codes.items()))
