"""In a real browser: an operator logs in, finds a failed text, retries it, and sees it sent.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; never a downloaded browser. `make test` installs
Chromium first (as root with apt-get); where it cannot, this test is skipped and says why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from coach.bootstrap import Services
from coach.models import OutboundMessage, Trainee
from coach.models.enums import DeliveryState, OutboundKind, TraineeStatus
from tests.doubles.twilio_api import TwilioApiDouble
from tests.messaging_helpers import run_jobs, use_twilio_double
from tests.test_dashboard_support import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
pytestmark = pytest.mark.browser


@pytest.fixture
def chromium_page() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (make browser)"
        if os.environ.get("CI"):  # CI always runs the browser test: a missing browser there is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # A phone-sized viewport: the flow has to work on an operator's phone.
            yield browser.new_page(viewport={"width": 390, "height": 844})
        finally:
            browser.close()


@pytest.fixture
def failed_text(committed: Services) -> Iterator[int]:
    with committed.sessions() as session:
        owner = Trainee(phone="+15557771234", name="Browser Trainee", status=TraineeStatus.ACTIVE)
        session.add(owner)
        session.flush()
        text = OutboundMessage(
            trainee_id=owner.id,
            kind=OutboundKind.REPLY,
            body="Nice work today <b>team</b>",
            idempotency_key="browser-test:failed",
            state=DeliveryState.FAILED,
            attempts=6,
            error_code=30008,
            error_message="Unknown error",
        )
        session.add(text)
        session.commit()
        text_id = text.id
    yield text_id
    with committed.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE audit_log RESTART IDENTITY"))


def test_operator_retries_a_failed_text_and_sees_it_sent(
    chromium_page, live_server: str, committed: Services, failed_text: int, twilio_api: TwilioApiDouble
):
    page = chromium_page
    page.goto(f"{live_server}/dashboard/messages/?state=failed")
    assert "/dashboard/login" in page.url  # logged out: sent to the login form
    page.fill("input[name=name]", "browser-op")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/messages/?state=failed")

    row = page.locator(f"#text-{failed_text}")
    assert row.get_attribute("data-state") == "failed"
    assert "Nice work today <b>team</b>" in row.locator(".body").inner_text()  # shown as text
    row.get_by_role("button", name="Retry").click()
    page.wait_for_load_state()
    assert f"Text {failed_text} is queued again" in page.locator(".flash").inner_text()

    use_twilio_double(committed, twilio_api)
    run_jobs(committed)  # the send job the retry enqueued

    page.goto(f"{live_server}/dashboard/messages/?phone=5557771234")
    state = page.locator(f"#text-{failed_text}").get_attribute("data-state")
    assert state in ("sent", "delivered")
    assert [m["body"] for m in twilio_api.messages] == ["Nice work today <b>team</b>"]
    assert "browser-op" in page.goto(f"{live_server}/dashboard/audit/").text()
