"""The fixed texts Coach sends for compliance keywords. Short, plain GSM-7."""

from __future__ import annotations

HELP = (
    "Coach: your AI personal trainer by text. Reply with questions or how your workout went. "
    "Reply STOP to unsubscribe. Msg & data rates may apply. Msg frequency varies."
)
WELCOME_BACK = "Welcome back to Coach! Your texts are on again. Reply STOP any time to unsubscribe."
