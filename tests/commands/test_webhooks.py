"""`cms webhook add|list|remove|deliveries|replay` against a real database."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from cms.cli import app
from cms.db.lifecycle import database
from cms.enums import PostStatus
from cms.models import WebhookDelivery, WebhookEndpoint
from cms.services import post_editing
from tests.factories import EDITOR, make_post

runner = CliRunner()


def _endpoints(db_url: str) -> list[WebhookEndpoint]:
    async def load() -> list[WebhookEndpoint]:
        async with database(db_url):
            return await WebhookEndpoint.all().order_by("id")

    return asyncio.run(load())


def _publish_a_post(db_url: str) -> None:
    async def work() -> None:
        async with database(db_url):
            post = await make_post("Told", status=PostStatus.DRAFT)
            await post_editing.publish_post(EDITOR, post.id)

    asyncio.run(work())


def test_add_prints_the_secret_once_and_list_shows_the_webhook(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    added = runner.invoke(
        app,
        [
            "webhook",
            "add",
            "https://example.com/hook",
            "-e",
            "post.published",
            "-e",
            "COMMENT_CREATED",
            "--description",
            "frontend",
        ],
        env=env,
    )
    listed = runner.invoke(app, ["webhook", "list"], env=env)

    [endpoint] = _endpoints(db_url)
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == endpoint.secret
    assert "shown only this once" in added.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["ID", "URL", "EVENTS", "CREATED", "DESCRIPTION"]
    assert lines[1].split()[:3] == [
        str(endpoint.id),
        "https://example.com/hook",
        "comment.created,post.published",
    ]
    assert lines[1].split()[-1] == "frontend"


def test_a_url_that_is_not_http_is_refused(db_url: str) -> None:
    result = runner.invoke(
        app,
        ["webhook", "add", "file:///etc/passwd", "-e", "post.published"],
        env={"CMS_DATABASE_URL": db_url},
    )

    assert result.exit_code == 1
    assert "http:// or https://" in result.stderr
    assert _endpoints(db_url) == []


def test_an_unknown_event_is_refused(db_url: str) -> None:
    result = runner.invoke(
        app,
        ["webhook", "add", "https://example.com/", "-e", "post.liked"],
        env={"CMS_DATABASE_URL": db_url},
    )

    assert result.exit_code == 2
    assert "unknown event 'post.liked'" in result.stderr
    assert _endpoints(db_url) == []


def test_deliveries_replay_and_remove(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    runner.invoke(app, ["webhook", "add", "https://example.com/", "-e", "post.published"], env=env)
    [endpoint] = _endpoints(db_url)
    _publish_a_post(db_url)

    log = runner.invoke(app, ["webhook", "deliveries", str(endpoint.id)], env=env)
    first = log.stdout.splitlines()[1].split()
    replayed = runner.invoke(app, ["webhook", "replay", first[0]], env=env)
    log_after = runner.invoke(app, ["webhook", "deliveries", str(endpoint.id)], env=env)
    removed = runner.invoke(app, ["webhook", "remove", str(endpoint.id)], env=env)
    missing = runner.invoke(app, ["webhook", "remove", str(endpoint.id)], env=env)

    async def left() -> int:
        async with database(db_url):
            return await WebhookDelivery.all().count()

    assert log.exit_code == 0, log.output
    assert log.stdout.splitlines()[0].split() == [
        "ID",
        "EVENT",
        "STATUS",
        "ATTEMPTS",
        "CODE",
        "CREATED",
        "ERROR",
    ]
    assert first[1:5] == ["post.published", "PENDING", "0", "-"]
    assert replayed.stdout.startswith(f"Queued delivery {int(first[0]) + 1}: post.published")
    assert [line.split()[2] for line in log_after.stdout.splitlines()[1:]] == [
        "PENDING",
        "PENDING",
    ]
    assert removed.stdout.strip() == f"Removed webhook {endpoint.id}."
    assert missing.exit_code == 1
    assert "No webhook has this id" in missing.stderr
    assert _endpoints(db_url) == []
    assert asyncio.run(left()) == 0
