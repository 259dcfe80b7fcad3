"""Settings from the environment: the engagement rules and Redis isolation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms.environment import SettingsError
from cms.settings import Limits, Settings


def test_engagement_rules_are_read_from_cms_variables() -> None:
    settings = Settings.from_env(
        {
            "CMS_REDIS_URL": "redis://cache:6379/1",
            "CMS_REDIS_PREFIX": "site-a:",
            "CMS_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
            "CMS_COMMENT_RATE": "3/minute",
            "CMS_LIKE_RATE": "30/minute",
            "CMS_VIEW_RATE": "10/second",
            "CMS_COMMENT_HOLD_LINKS": "0",
            "CMS_COMMENT_DUPLICATE_WINDOW_S": "60",
            "CMS_COMMENT_MAX_DEPTH": "3",
            "CMS_COMMENT_BLOCKLIST": "casino, cheap pills",
            "CMS_APPROVE_FIRST_COMMENT": "1",
            "CMS_VIEW_WINDOW_S": "900",
            "CMS_VIEW_FLUSH_INTERVAL_S": "0.5",
        }
    )

    assert (settings.redis_url, settings.redis_prefix) == ("redis://cache:6379/1", "site-a:")
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.1")
    assert settings.limits == Limits(
        comment_rate="3/minute",
        like_rate="30/minute",
        view_rate="10/second",
        comment_hold_links=0,
        comment_duplicate_window_s=60,
        comment_max_depth=3,
        comment_blocklist=("casino", "cheap pills"),
        hold_first_comment=False,
        view_window_s=900,
        view_flush_interval_s=0.5,
    )


def test_without_variables_everything_stays_in_process_with_the_documented_rules() -> None:
    settings = Settings.from_env({})

    assert (settings.redis_url, settings.redis_prefix) == (None, "cms:")
    assert settings.limits == Limits()
    assert (Limits().comment_rate, Limits().like_rate) == ("5/minute", "60/minute")


def test_the_defaults_of_the_environment_are_the_defaults_of_the_settings() -> None:
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize(
    ("environ", "explanation"),
    [
        (
            {"CMS_PORT": "80a"},
            "CMS_PORT='80a': Input should be a valid integer, unable to parse string as an integer",
        ),
        ({"CMS_DEBUG": "ture"}, "CMS_DEBUG='ture': Input should be a valid boolean"),
        ({"CMS_PORT": "70000"}, "CMS_PORT='70000': Input should be less than or equal to 65535"),
        (
            {"CMS_COMMENT_RATE": "five a minute"},
            "CMS_COMMENT_RATE='five a minute': not a rate such as 5/minute or 100/hour",
        ),
        (
            {"CMS_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"},
            "CMS_TRUSTED_PROXIES='10.0.0.0/8, proxy.local': not an address or network such as"
            " 10.0.0.0/8: 'proxy.local'",
        ),
        (
            {"CMS_STATEMENT_TIMEOUT_S": "-1"},
            "CMS_STATEMENT_TIMEOUT_S='-1': Input should be greater than or equal to 0",
        ),
        (
            {"CMS_PREVIEW_URL": "https://read.example/preview"},
            "CMS_PREVIEW_URL='https://read.example/preview': must be an http:// or https://"
            " address holding {token}",
        ),
        (
            {"CMS_SITE_URL": "read.example"},
            "CMS_SITE_URL='read.example': must start with http:// or https://",
        ),
        (
            {"CMS_REACTION_KINDS": "HEART:❤️,clap:👏"},
            "CMS_REACTION_KINDS='HEART:❤️,clap:👏': reaction names are 1-32 capital letters,"
            " digits or _ (like HEART): 'clap'",
        ),
        (
            {"CMS_REACTION_KINDS": "HEART:❤️,HEART:💖"},
            "CMS_REACTION_KINDS='HEART:❤️,HEART:💖': HEART is named twice",
        ),
        (
            {"CMS_REACTION_KINDS": ",".join(f"K{n}" for n in range(17))},
            "CMS_REACTION_KINDS=",
        ),
        ({"CMS_VOTE_RATE": "often"}, "CMS_VOTE_RATE='often': not a rate such as 5/minute"),
        # A password in a URL is never repeated.
        (
            {"CMS_DATABASE_URL": "mysql://editor:hunter2@db/cms"},
            "CMS_DATABASE_URL: must start with sqlite:// or postgres://",
        ),
    ],
)
def test_a_wrong_variable_is_named_with_what_is_wrong(
    environ: dict[str, str], explanation: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)
    assert str(raised.value).startswith("Invalid configuration:\n  " + explanation)
    assert "hunter2" not in str(raised.value)


def test_every_wrong_variable_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"CMS_PORT": "x", "CMS_MAX_DEPTH": "0", "CMS_HOST": "0.0.0.0"})
    lines = str(raised.value).splitlines()
    assert [line.split(":")[0].split("=")[0].strip() for line in lines[1:]] == [
        "CMS_PORT",
        "CMS_MAX_DEPTH",
    ]


def test_reaction_kinds_and_their_rates_are_read_in_their_order() -> None:
    settings = Settings.from_env(
        {
            "CMS_REACTION_KINDS": " CLAP:👏 , WOW:😮,PLAIN ",
            "CMS_REACTION_RATE": "10/minute",
            "CMS_VOTE_RATE": "20/minute",
        }
    )

    assert settings.limits.reaction_kinds == (("CLAP", "👏"), ("WOW", "😮"), ("PLAIN", ""))
    assert (settings.limits.reaction_rate, settings.limits.vote_rate) == ("10/minute", "20/minute")
    assert [name for name, _ in Limits().reaction_kinds] == [
        "THUMBS_UP",
        "HEART",
        "INSIGHT",
        "LAUGH",
    ]


def test_empty_variables_mean_the_default() -> None:
    assert Settings.from_env({"CMS_PORT": "", "CMS_REDIS_URL": ""}) == Settings()


@pytest.mark.parametrize("command", [["serve"], ["migrate"], ["token", "list"]])
def test_every_command_refuses_to_start_with_a_wrong_variable(
    command: list[str], tmp_path: Path
) -> None:
    env = {**os.environ, "CMS_PORT": "80a", "CMS_DEBUG": "ture"}
    result = subprocess.run(
        [sys.executable, "-m", "cms", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Invalid configuration:\n"
        "  CMS_PORT='80a': Input should be a valid integer, unable to parse string as an integer\n"
        "  CMS_DEBUG='ture': Input should be a valid boolean, unable to interpret input\n"
    )
    assert not list(tmp_path.iterdir())  # nothing was created


def test_dotenv_in_the_working_directory_fills_in_what_the_environment_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("CMS_PORT=9001\nCMS_HOST=0.0.0.0\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMS_HOST", "127.0.0.2")
    settings = Settings.from_env()
    assert (settings.host, settings.port) == ("127.0.0.2", 9001)


def test_cms_env_is_development_unless_it_says_production() -> None:
    assert Settings.from_env({}).env == "development"
    assert Settings.from_env({}).production is False
    assert Settings.from_env({"CMS_ENV": " Production "}).production is True


@pytest.mark.parametrize("value", ["prod", "staging", "1"])
def test_any_other_cms_env_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"CMS_ENV": value})
    assert str(raised.value) == (
        f"Invalid configuration:\n  CMS_ENV={value!r}: must be development or production,"
        f" not {value!r}"
    )


def test_connection_limits_are_read_from_cms_variables_and_on_by_default() -> None:
    settings = Settings.from_env(
        {
            "CMS_MAX_BODY_BYTES": "2048",
            "CMS_BODY_TIMEOUT_S": "5",
            "CMS_HEADER_TIMEOUT_S": "2.5",
            "CMS_KEEP_ALIVE_TIMEOUT_S": "3",
            "CMS_MAX_WEBSOCKETS": "50",
            "CMS_MAX_WEBSOCKETS_PER_CLIENT": "4",
            "CMS_MAX_SUBSCRIPTIONS_PER_CONNECTION": "3",
            "CMS_WEBSOCKET_INIT_TIMEOUT_S": "4",
        }
    )
    limits, defaults = settings.limits, Settings.from_env({}).limits

    assert (limits.max_body_bytes, limits.body_timeout_s) == (2048, 5.0)
    assert (limits.header_timeout_s, limits.keep_alive_timeout_s) == (2.5, 3)
    assert (limits.max_websockets, limits.max_websockets_per_client) == (50, 4)
    assert (limits.max_subscriptions_per_connection, limits.websocket_init_timeout_s) == (3, 4.0)
    assert (defaults.max_body_bytes, defaults.body_timeout_s) == (1024 * 1024, 30.0)
    assert (defaults.header_timeout_s, defaults.keep_alive_timeout_s) == (10.0, 5)
    assert (defaults.max_websockets, defaults.max_websockets_per_client) == (1000, 20)
    assert (defaults.max_subscriptions_per_connection, defaults.websocket_init_timeout_s) == (
        10,
        10.0,
    )


def test_the_reading_site_is_read_without_its_trailing_slash() -> None:
    settings = Settings.from_env(
        {
            "CMS_SITE_URL": "https://read.example/",
            "CMS_PREVIEW_URL": "https://read.example/drafts/{token}",
            "CMS_FEED_MAX_AGE": "60",
        }
    )

    assert settings.site_url == "https://read.example"
    assert settings.preview_url == "https://read.example/drafts/{token}"
    assert settings.feed_max_age_s == 60


def test_workers_caching_and_the_cdn_are_read_from_cms_variables() -> None:
    settings = Settings.from_env(
        {
            "CMS_WORKERS": "4",
            "CMS_STALE_WHILE_REVALIDATE_S": "120",
            "CMS_STALE_IF_ERROR_S": "0",
            "CMS_CDN_PURGE_URL": "https://api.cdn.example/zones/z1/purge",
            "CMS_CDN_PURGE_TOKEN": "t0ken",
        }
    )
    defaults = Settings()

    assert (settings.workers, settings.stale_while_revalidate_s, settings.stale_if_error_s) == (
        4,
        120,
        0,
    )
    assert (settings.cdn_purge_url, settings.cdn_purge_token) == (
        "https://api.cdn.example/zones/z1/purge",
        "t0ken",
    )
    assert (defaults.workers, defaults.cdn_purge_url, defaults.cdn_purge_token) == (1, None, None)
    assert (defaults.stale_while_revalidate_s, defaults.stale_if_error_s) == (30, 86400)


def test_a_wrong_cdn_address_or_worker_count_is_named_without_repeating_the_address() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"CMS_CDN_PURGE_URL": "ftp://user:hunter2@cdn", "CMS_WORKERS": "0"})

    assert str(raised.value).splitlines()[1:] == [
        "  CMS_WORKERS='0': Input should be greater than or equal to 1",
        "  CMS_CDN_PURGE_URL: must start with http:// or https://",
    ]
