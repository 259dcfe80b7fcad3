"""Settings from the environment: the engagement rules and Redis isolation."""

from __future__ import annotations

import pytest

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


def test_cms_env_is_development_unless_it_says_production() -> None:
    assert Settings.from_env({}).env == "development"
    assert Settings.from_env({}).production is False
    assert Settings.from_env({"CMS_ENV": " Production "}).production is True


@pytest.mark.parametrize("value", ["prod", "staging", "1"])
def test_any_other_cms_env_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(
        ValueError, match=f"CMS_ENV must be development or production, not '{value}'"
    ):
        Settings.from_env({"CMS_ENV": value})
