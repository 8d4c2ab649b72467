"""The LLM port: one Chat Completions call, and the OpenAI-compatible client behind it.

Any server speaking the OpenAI Chat Completions API works (`OPENAI_BASE_URL`, `COACH_MODEL`): OpenAI, Ollama,
vLLM, llama.cpp. The client has an explicit timeout and a bounded number of its own retries; failures come
out as two exceptions the agent understands: `LLMUnavailable` (try again later) and `LLMBadOutput`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import openai

from coach.agent.turn import LLMUsage
from coach.config import Settings


class LLMUnavailable(Exception):
    """The LLM could not answer now: timeout, rate limit, server error, refused connection, bad key."""

    def __init__(self, error_class: str, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.transient = transient


class LLMBadOutput(Exception):
    """The LLM answered with something we cannot use (malformed JSON, invalid tool calls, empty reply)."""

    error_class = "malformed_output"


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class Completion:
    content: str | None
    tool_calls: tuple[ToolCall, ...]
    usage: LLMUsage
    finish_reason: str | None

    def assistant_message(self) -> dict[str, Any]:
        """This completion as the assistant turn to send back with the tool results."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in self.tool_calls
            ]
        return message


class ChatModel(Protocol):
    model: str

    def complete(
        self,
        messages: Sequence[dict[str, Any]],
        tools: Sequence[dict[str, Any]] | None = None,
        *,
        response_format: dict[str, Any] | None = None,
        max_tokens: int = 400,
    ) -> Completion: ...


class OpenAIChat:
    """Chat Completions through the official client (which the tests drive against a local double)."""

    def __init__(self, settings: Settings) -> None:
        self.model = settings.coach_model
        self._client = openai.OpenAI(
            # Local servers (Ollama, vLLM) ignore the key but the client insists on one.
            api_key=settings.openai_api_key or "not-needed",
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
        )

    def complete(
        self,
        messages: Sequence[dict[str, Any]],
        tools: Sequence[dict[str, Any]] | None = None,
        *,
        response_format: dict[str, Any] | None = None,
        max_tokens: int = 400,
    ) -> Completion:
        options: dict[str, Any] = {"model": self.model, "messages": list(messages), "max_tokens": max_tokens}
        if tools:
            options["tools"] = list(tools)
            options["parallel_tool_calls"] = False
        if response_format:
            options["response_format"] = response_format
        started = time.monotonic()
        try:
            response = self._client.chat.completions.create(**options)
        except openai.APITimeoutError as exc:
            raise LLMUnavailable("timeout", str(exc)) from exc
        except openai.RateLimitError as exc:
            raise LLMUnavailable("rate_limited", str(exc)) from exc
        except openai.APIConnectionError as exc:
            raise LLMUnavailable("connection", str(exc)) from exc
        except openai.APIStatusError as exc:
            transient = exc.status_code >= 500 or exc.status_code in (408, 409)
            error_class = "server_error" if exc.status_code >= 500 else f"http_{exc.status_code}"
            raise LLMUnavailable(error_class, str(exc), transient=transient) from exc
        except (openai.APIResponseValidationError, ValueError) as exc:
            raise LLMBadOutput(str(exc)) from exc
        return _completion(response, self.model, int((time.monotonic() - started) * 1000))


def _completion(response: Any, model: str, latency_ms: int) -> Completion:
    choices = getattr(response, "choices", None)
    if not choices:
        raise LLMBadOutput("the completion has no choices")
    message = choices[0].message
    usage = getattr(response, "usage", None)
    details = getattr(usage, "prompt_tokens_details", None)
    calls = tuple(
        ToolCall(call.id, call.function.name, call.function.arguments or "{}")
        for call in (message.tool_calls or ())
        if getattr(call, "function", None) is not None
    )
    return Completion(
        content=message.content,
        tool_calls=calls,
        usage=LLMUsage(
            calls=1,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            cached_tokens=int(getattr(details, "cached_tokens", 0) or 0),
            latency_ms=latency_ms,
            model=getattr(response, "model", None) or model,
        ),
        finish_reason=choices[0].finish_reason,
    )


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The configured LLM, or None when no LLM is configured (the coach then answers deterministically)."""
    return OpenAIChat(settings) if settings.llm_configured else None


def cost_usd(settings: Settings, usage: LLMUsage) -> Decimal:
    """Estimated cost from the price table (USD per million tokens); a model not in the table costs 0."""
    for model, price_in, price_cached, price_out in settings.llm_prices:
        if usage.model and (usage.model == model or usage.model.startswith(model + "-")):
            fresh = max(0, usage.prompt_tokens - usage.cached_tokens)
            total = fresh * price_in + usage.cached_tokens * price_cached
            total += usage.completion_tokens * price_out
            return Decimal(str(round(total / 1_000_000, 6)))
    return Decimal(0)
