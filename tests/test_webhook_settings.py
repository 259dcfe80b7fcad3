"""The CMS_WEBHOOK_* variables: read, checked, with their defaults."""

from __future__ import annotations

import pytest

from cms.environment import SettingsError
from cms.settings import Settings, Webhooks


def test_webhook_settings_are_read_from_cms_variables() -> None:
    settings = Settings.from_env(
        {
            "CMS_WEBHOOK_DELIVERY": "false",
            "CMS_WEBHOOK_TIMEOUT_S": "2.5",
            "CMS_WEBHOOK_RETRY_BASE_S": "0.5",
            "CMS_WEBHOOK_RETRY_CAP_S": "60",
            "CMS_WEBHOOK_MAX_ATTEMPTS": "4",
            "CMS_WEBHOOK_POLL_INTERVAL_S": "0.2",
        }
    )

    assert settings.webhooks == Webhooks(
        enabled=False,
        timeout_s=2.5,
        retry_base_s=0.5,
        retry_cap_s=60.0,
        max_attempts=4,
        poll_interval_s=0.2,
    )
    assert Settings.from_env({}).webhooks == Webhooks()
    assert Webhooks() == Webhooks(True, 5.0, 2.0, 3600.0, 10, 1.0)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CMS_WEBHOOK_TIMEOUT_S", "0", "greater than 0"),
        ("CMS_WEBHOOK_TIMEOUT_S", "600", "less than or equal to 60"),
        ("CMS_WEBHOOK_MAX_ATTEMPTS", "0", "greater than or equal to 1"),
        ("CMS_WEBHOOK_RETRY_BASE_S", "soon", "valid number"),
    ],
)
def test_a_wrong_webhook_setting_names_its_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})

    assert f"{variable}={value!r}" in str(raised.value)
    assert message in str(raised.value)
