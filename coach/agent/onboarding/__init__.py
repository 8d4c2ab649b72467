"""Onboarding over SMS: a new number's first texts become a fitness profile, a plan and an active trainee.

Nine items are learned (name, goals, experience, training days, session length, equipment, injuries,
workout-text time, time zone), about two per message, from any text that mentions them. Deterministic
parsers read common answers; an LLM, when configured, reads what they could not. Unclear answers are asked
again with examples, and after two misses (or eight texts) a safe default is taken, so nobody is trapped.
"""

from coach.agent.onboarding.flow import respond

__all__ = ["respond"]
