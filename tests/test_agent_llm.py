"""The LLM port against the local OpenAI double, through the real openai client over HTTP."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from coach.agent.llm import LLMBadOutput, LLMUnavailable, OpenAIChat, build_chat_model, cost_usd
from coach.agent.turn import LLMUsage
from coach.config import Settings
from tests.doubles import openai_api as double
from tests.doubles.openai_api import OpenAIDouble

HELLO = [{"role": "user", "content": "hello"}]


def test_a_reply_comes_back_with_its_token_usage(llm_settings: Settings, openai_api: OpenAIDouble) -> None:
    openai_api.push(double.reply("Hi there"))
    completion = OpenAIChat(llm_settings).complete(HELLO)
    assert completion.content == "Hi there"
    assert completion.usage.calls == 1
    assert completion.usage.prompt_tokens > 0
    assert openai_api.requests[0]["messages"] == HELLO


def test_tool_calls_are_returned_with_their_arguments(
    llm_settings: Settings, openai_api: OpenAIDouble
) -> None:
    openai_api.push(double.tool_call("get_week", {}))
    completion = OpenAIChat(llm_settings).complete(
        HELLO, tools=[{"type": "function", "function": {"name": "get_week"}}]
    )
    assert [call.name for call in completion.tool_calls] == ["get_week"]
    assert completion.assistant_message()["tool_calls"][0]["function"]["arguments"] == "{}"


@pytest.mark.parametrize(("status", "error_class"), [(429, "rate_limited"), (500, "server_error")])
def test_rate_limits_and_server_errors_are_unavailable(
    llm_settings: Settings, openai_api: OpenAIDouble, status: int, error_class: str
) -> None:
    openai_api.push(double.error(status))
    with pytest.raises(LLMUnavailable) as caught:
        OpenAIChat(llm_settings).complete(HELLO)
    assert caught.value.error_class == error_class
    assert caught.value.transient


def test_a_hanging_server_times_out(llm_settings: Settings, openai_api: OpenAIDouble) -> None:
    openai_api.push(double.hang(5))
    with pytest.raises(LLMUnavailable) as caught:
        OpenAIChat(replace(llm_settings, llm_timeout_seconds=0.5)).complete(HELLO)
    assert caught.value.error_class == "timeout"


def test_a_malformed_body_is_bad_output(llm_settings: Settings, openai_api: OpenAIDouble) -> None:
    openai_api.push(double.malformed())
    with pytest.raises((LLMBadOutput, LLMUnavailable)):
        OpenAIChat(llm_settings).complete(HELLO)


def test_no_llm_is_configured_without_a_key_or_base_url(settings: Settings) -> None:
    assert build_chat_model(replace(settings, openai_api_key=None, openai_base_url=None)) is None


def test_cost_comes_from_the_price_table(settings: Settings) -> None:
    usage = LLMUsage(calls=1, prompt_tokens=1_000_000, cached_tokens=500_000, completion_tokens=100_000)
    usage.model = "gpt-4o-mini-2024-07-18"
    assert cost_usd(settings, usage) == Decimal("0.1725")
    usage.model = "some-local-model"
    assert cost_usd(settings, usage) == Decimal(0)
