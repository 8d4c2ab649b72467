"""The coaching agent: how the coach answers a trainee's texts.

Safety triage first, then onboarding for a new number, then the deterministic fast path (no LLM), then the
LLM agent with tools that act only on this trainee. `respond.respond` ties them together; the inbound job
(`coach.conversation.answer`) owns the transaction and queues the reply.
"""
