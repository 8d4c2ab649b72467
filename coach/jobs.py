"""Background job plumbing shared by everything that enqueues or runs RQ jobs."""

from __future__ import annotations

# Replies to trainees first, then outbound sends, then slower work such as plan generation.
QUEUES = ("agent", "send", "default")
