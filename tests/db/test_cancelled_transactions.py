"""A transaction cancelled at any point (a task stopped at shutdown, a timeout) leaves
the database usable: later writes and closing go on."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from cms.models import Tag

GUARD_S = 10.0  # a guard against a hang, never a timing the test depends on


async def _stopped_after(steps: int) -> None:
    async def write() -> None:
        async with in_transaction("default"):
            await Tag.create(name=f"never-{steps}")

    task = asyncio.create_task(write())
    for _ in range(steps):
        await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_writes_go_on_after_transactions_are_cancelled_at_every_step(db: str) -> None:
    for steps in range(12):  # cancelled while waiting for the lock, beginning, writing, ...
        await _stopped_after(steps)

    async def after() -> None:
        async with in_transaction("default"):
            await Tag.create(name="after")

    await asyncio.wait_for(after(), GUARD_S)

    names = await Tag.all().values_list("name", flat=True)
    assert "after" in names
    assert all(name == "after" or name.startswith("never-") for name in names)
