"""All configuration comes from the environment, read here and nowhere else."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path

PRODUCTION = "production"
DEVELOPMENT = "development"
MAX_ANSWER_LINGER_MS = 5000
TEST = "test"

# Variables production cannot run without; local runs invent safe values and say so.
REQUIRED_IN_PRODUCTION = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DASHBOARD_PASSWORD",
    "PUBLIC_BASE_URL",
)
TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")


class ConfigError(RuntimeError):
    """The environment does not describe a service that can start."""


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, local: time) -> bool:
        """True when a recipient-local time falls inside the quiet window (which may wrap midnight)."""
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        try:
            start_text, end_text = text.strip().split("-")
            return cls(time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip()))
        except ValueError as exc:
            raise ConfigError(f"QUIET_HOURS must look like 21:00-08:00, got {text!r}") from exc


@dataclass(frozen=True)
class Settings:
    env: str = DEVELOPMENT
    database_url: str | None = None
    redis_url: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from_number: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_api_base_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    sms_backend: str = "console"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    coach_model: str = "gpt-4o-mini"
    # The LLM client's HTTP timeout and its own retries; the agent job retries on top of these.
    llm_timeout_seconds: float = 30.0
    llm_max_retries: int = 1
    # Per trainee per local day; past either the coach answers on its deterministic paths only.
    llm_daily_calls: int = 40
    llm_daily_tokens: int = 150_000
    # Texts from one trainee within a minute beyond which the coach stops answering until it calms down.
    flood_texts_per_minute: int = 10
    # USD per million tokens: (input, cached input, output), by model name; unknown models cost 0.
    llm_prices: tuple[tuple[str, float, float, float], ...] = (
        ("gpt-4o-mini", 0.15, 0.075, 0.60),
        ("gpt-4.1-mini", 0.40, 0.10, 1.60),
        ("gpt-4.1-nano", 0.10, 0.025, 0.40),
        ("gpt-4o", 2.50, 1.25, 10.00),
    )
    secret_key: str = ""
    dashboard_password: str = ""
    quiet_hours: QuietHours = field(default_factory=lambda: QuietHours.parse("21:00-08:00"))
    # How long a web process gathers the answer jobs of the texts it took before one Redis round trip
    # carries them (coach/messaging/answer_jobs.py). At most MAX_ANSWER_LINGER_MS: far below the sweeper's
    # 60 s, which would otherwise enqueue a held text's job a second time.
    answer_linger_ms: int = 10
    # Texts longer than this many segments are sent as several ordered parts.
    sms_segment_budget: int = 3
    # A failing send is retried with exponential backoff this many times in all.
    sms_max_attempts: int = 6
    # A row claimed by a sender for longer than this is presumed abandoned (crashed sender).
    # A scheduler that was down sends what fell due within this window and skips anything older.
    scheduler_grace_minutes: int = 180
    data_dir: Path = Path(".coach")
    defaulted: tuple[str, ...] = ()

    @property
    def is_production(self) -> bool:
        return self.env == PRODUCTION

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    def with_services(self, database_url: str, redis_url: str) -> Settings:
        """The same settings pointed at concrete servers (used after embedded servers start)."""
        return replace(self, database_url=database_url, redis_url=redis_url)


def _clean(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the environment. Production refuses to start with a missing secret."""
    env_map = os.environ if environ is None else environ
    env = (_clean(env_map, "COACH_ENV") or DEVELOPMENT).lower()
    if env not in (PRODUCTION, DEVELOPMENT, TEST):
        raise ConfigError(f"COACH_ENV must be production, development or test, got {env!r}")
    data_dir = Path(_clean(env_map, "COACH_DATA_DIR") or ".coach")

    twilio_sid = _clean(env_map, "TWILIO_ACCOUNT_SID")
    twilio_token = _clean(env_map, "TWILIO_AUTH_TOKEN")
    # Production sends real texts unless told otherwise; local runs print them unless Twilio is configured.
    default_backend = "twilio" if env == PRODUCTION or (twilio_sid and twilio_token) else "console"
    backend = (_clean(env_map, "SMS_BACKEND") or default_backend).lower()
    if backend not in ("twilio", "console"):
        raise ConfigError(f"SMS_BACKEND must be twilio or console, got {backend!r}")

    if env == PRODUCTION:
        _require_production(env_map, backend)

    defaulted: list[str] = []
    secret_key = _clean(env_map, "SECRET_KEY")
    if secret_key is None:
        secret_key = _local_secret(data_dir, "secret_key")
        defaulted.append("SECRET_KEY")
    password = _clean(env_map, "DASHBOARD_PASSWORD")
    if password is None:
        password = _local_secret(data_dir, "dashboard_password")
        defaulted.append("DASHBOARD_PASSWORD")
    if twilio_token is None and env != PRODUCTION:
        # Webhooks are always signed; locally the simulator signs with this generated token.
        twilio_token = _local_secret(data_dir, "twilio_auth_token")
        defaulted.append("TWILIO_AUTH_TOKEN")
    public_base_url = _clean(env_map, "PUBLIC_BASE_URL")
    if public_base_url is None:
        public_base_url = "http://127.0.0.1:8000"
        defaulted.append("PUBLIC_BASE_URL")

    return Settings(
        env=env,
        database_url=_clean(env_map, "DATABASE_URL"),
        redis_url=_clean(env_map, "REDIS_URL"),
        twilio_account_sid=twilio_sid,
        twilio_auth_token=twilio_token,
        twilio_from_number=_clean(env_map, "TWILIO_FROM_NUMBER"),
        twilio_messaging_service_sid=_clean(env_map, "TWILIO_MESSAGING_SERVICE_SID"),
        twilio_api_base_url=_clean(env_map, "TWILIO_API_BASE_URL"),
        public_base_url=public_base_url.rstrip("/"),
        sms_backend=backend,
        openai_api_key=_clean(env_map, "OPENAI_API_KEY"),
        openai_base_url=_clean(env_map, "OPENAI_BASE_URL"),
        coach_model=_clean(env_map, "COACH_MODEL") or "gpt-4o-mini",
        llm_timeout_seconds=float(_int(env_map, "LLM_TIMEOUT_SECONDS", 30, minimum=1)),
        llm_max_retries=_int(env_map, "LLM_MAX_RETRIES", 1, minimum=0),
        llm_daily_calls=_int(env_map, "LLM_DAILY_CALLS", 40, minimum=0),
        llm_daily_tokens=_int(env_map, "LLM_DAILY_TOKENS", 150_000, minimum=0),
        flood_texts_per_minute=_int(env_map, "FLOOD_TEXTS_PER_MINUTE", 10, minimum=1),
        llm_prices=_prices(_clean(env_map, "LLM_PRICES")) or Settings.llm_prices,
        secret_key=secret_key,
        dashboard_password=password,
        quiet_hours=QuietHours.parse(_clean(env_map, "QUIET_HOURS") or "21:00-08:00"),
        answer_linger_ms=_int(env_map, "ANSWER_LINGER_MS", 10, minimum=0, maximum=MAX_ANSWER_LINGER_MS),
        sms_segment_budget=_int(env_map, "SMS_SEGMENT_BUDGET", 3, minimum=1),
        sms_max_attempts=_int(env_map, "SMS_MAX_ATTEMPTS", 6, minimum=1),
        scheduler_grace_minutes=_int(env_map, "SCHEDULER_GRACE_MINUTES", 180, minimum=1),
        data_dir=data_dir,
        defaulted=tuple(defaulted),
    )


def _int(
    env_map: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    raw = _clean(env_map, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, got {value}")
    return value


def _prices(raw: str | None) -> tuple[tuple[str, float, float, float], ...]:
    """`model=input/cached/output;...` in USD per million tokens, e.g. `gpt-4o-mini=0.15/0.075/0.6`."""
    if raw is None:
        return ()
    table = []
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        try:
            model, figures = entry.split("=")
            price_in, cached, price_out = (float(value) for value in figures.split("/"))
        except ValueError as exc:
            raise ConfigError(f"LLM_PRICES entries look like model=0.15/0.075/0.6, got {entry!r}") from exc
        table.append((model.strip(), price_in, cached, price_out))
    return tuple(table)


def _require_production(env_map: Mapping[str, str], backend: str) -> None:
    missing = [name for name in REQUIRED_IN_PRODUCTION if _clean(env_map, name) is None]
    if backend == "twilio":
        missing += [name for name in TWILIO_REQUIRED if _clean(env_map, name) is None]
        if not (_clean(env_map, "TWILIO_FROM_NUMBER") or _clean(env_map, "TWILIO_MESSAGING_SERVICE_SID")):
            missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
    if missing:
        raise ConfigError("production refuses to start; missing: " + ", ".join(missing))
    if len(env_map["SECRET_KEY"].strip()) < 32:
        raise ConfigError("production refuses to start; SECRET_KEY must be at least 32 characters")


def _local_secret(data_dir: Path, name: str) -> str:
    """A random value kept under the data dir, so sessions and logins survive a local restart."""
    path = data_dir / name
    try:
        return path.read_text().strip() or _write_secret(path)
    except FileNotFoundError:
        return _write_secret(path)


def _write_secret(path: Path) -> str:
    value = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(value + "\n")
    return value


def announce_defaults(settings: Settings) -> None:
    """Say once, on stderr, which local defaults this process filled in."""
    if settings.defaulted:
        print(
            "coach: local run; generated defaults for "
            + ", ".join(settings.defaulted)
            + f" (kept under {settings.data_dir}/)",
            file=sys.stderr,
        )
