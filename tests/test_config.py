from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from coach.config import ConfigError, QuietHours, announce_defaults, load_settings

PRODUCTION_ENV = {
    "COACH_ENV": "production",
    "DATABASE_URL": "postgresql://db.internal/coach",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "s" * 40,
    "DASHBOARD_PASSWORD": "operator-password",
    "PUBLIC_BASE_URL": "https://coach.example.com",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+15550001111",
}


def test_production_starts_with_every_secret_present():
    settings = load_settings(PRODUCTION_ENV)
    assert settings.is_production
    assert settings.sms_backend == "twilio"
    assert settings.defaulted == ()


@pytest.mark.parametrize(
    "missing",
    ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DASHBOARD_PASSWORD", "PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN"],
)
def test_production_refuses_to_start_and_names_the_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        load_settings(env)


def test_production_needs_a_sender():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TWILIO_FROM_NUMBER"}
    with pytest.raises(ConfigError, match="TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"):
        load_settings(env)
    env["TWILIO_MESSAGING_SERVICE_SID"] = "MG" + "1" * 32
    assert load_settings(env).twilio_messaging_service_sid == "MG" + "1" * 32


def test_production_rejects_a_short_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({**PRODUCTION_ENV, "SECRET_KEY": "short"})


def test_blank_values_count_as_missing():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings({**PRODUCTION_ENV, "SECRET_KEY": "   "})


def test_local_run_fills_safe_defaults_that_survive_a_restart(tmp_path: Path, capsys):
    env = {"COACH_DATA_DIR": str(tmp_path)}
    first = load_settings(env)
    second = load_settings(env)
    assert first.defaulted == ("SECRET_KEY", "DASHBOARD_PASSWORD", "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL")
    assert first.twilio_auth_token == second.twilio_auth_token
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert first.dashboard_password == second.dashboard_password
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.sms_backend == "console"
    announce_defaults(first)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "SECRET_KEY" in err and "DASHBOARD_PASSWORD" in err


def test_twilio_backend_is_the_default_when_credentials_are_set(tmp_path: Path):
    env = {"COACH_DATA_DIR": str(tmp_path), "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}
    assert load_settings(env).sms_backend == "twilio"
    assert load_settings({**env, "SMS_BACKEND": "console"}).sms_backend == "console"


def test_unknown_environment_or_backend_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="COACH_ENV"):
        load_settings({"COACH_ENV": "staging", "COACH_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match="SMS_BACKEND"):
        load_settings({"SMS_BACKEND": "pigeon", "COACH_DATA_DIR": str(tmp_path)})


def test_quiet_hours_wrap_midnight():
    quiet = QuietHours.parse("21:00-08:00")
    assert quiet.contains(time(23, 30))
    assert quiet.contains(time(7, 59))
    assert not quiet.contains(time(8, 0))
    assert not quiet.contains(time(20, 59))
    daytime = QuietHours.parse("12:00-13:00")
    assert daytime.contains(time(12, 30)) and not daytime.contains(time(13, 0))


def test_malformed_quiet_hours_are_rejected(tmp_path: Path):
    with pytest.raises(ConfigError, match="QUIET_HOURS"):
        load_settings({"QUIET_HOURS": "late-ish", "COACH_DATA_DIR": str(tmp_path)})


def test_the_answer_linger_is_ten_milliseconds_unless_set_and_stays_within_bounds(tmp_path: Path):
    env = {"COACH_DATA_DIR": str(tmp_path)}
    assert load_settings(env).answer_linger_ms == 10
    assert load_settings({**env, "ANSWER_LINGER_MS": "0"}).answer_linger_ms == 0
    with pytest.raises(ConfigError, match="ANSWER_LINGER_MS must be at least 0"):
        load_settings({**env, "ANSWER_LINGER_MS": "-5"})
    with pytest.raises(ConfigError, match="ANSWER_LINGER_MS must be at most 5000"):
        load_settings({**env, "ANSWER_LINGER_MS": "60000"})  # the sweeper would enqueue held texts again
