"""The whole site as one JSON document (`cms dump` / `cms load`): posts, tags, sections,
stories, comments, likes, reactions, votes and revisions with their ids, so links
between rows survive the trip. API tokens and trusted documents are not part of it: a
token's secret cannot be restored (make new ones) and documents are registered again
from the frontend's files.

Each table is `{"columns": [...], "rows": [[...], ...]}`, one value per column, foreign
keys as `<name>_id`. Dumps written before foreign keys were listed once repeat them
(same name, same value); they load the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import BaseORMException
from tortoise.models import Model
from tortoise.transactions import in_transaction

from cms.errors import Conflict, InvalidInput
from cms.models import (
    Ban,
    Comment,
    CommentHold,
    CommentReaction,
    CommentReactionCount,
    CommentReport,
    CommentVote,
    Like,
    Post,
    PostActivity,
    PostReaction,
    PostReactionCount,
    Revision,
    Section,
    Story,
    Tag,
)
from cms.services import threads

FORMAT = "cms-dump/1"
# Parents before children, so foreign keys hold while loading.
TABLES: tuple[tuple[str, type[Model]], ...] = (
    ("tags", Tag),
    ("posts", Post),
    ("sections", Section),
    ("stories", Story),
    ("comments", Comment),
    ("likes", Like),
    ("post_reactions", PostReaction),
    ("post_reaction_counts", PostReactionCount),
    ("comment_reactions", CommentReaction),
    ("comment_reaction_counts", CommentReactionCount),
    ("comment_votes", CommentVote),
    ("activity_days", PostActivity),
    ("revisions", Revision),
    ("comment_holds", CommentHold),
    ("comment_reports", CommentReport),
    ("bans", Ban),
)
POST_TAGS = "post_tags"
BATCH = 500  # rows read or written per statement

# Told after every batch: the table's key in the document, rows done, rows in all.
Progress = Callable[[str, int, int], None]


def _no_progress(key: str, done: int, total: int) -> None:
    return None


def columns(model: type[Model]) -> list[str]:
    """The model's stored columns by attribute name, each once (foreign keys as `<name>_id`).
    Tortoise lists foreign keys (and names their columns) only once initialised: add them,
    so a file can be checked before the database is opened."""
    meta = model._meta
    foreign = [
        meta.fields_map[name].source_field or f"{name}_id" for name in sorted(meta.fk_fields)
    ]
    return list(dict.fromkeys([*meta.fields_db_projection, *foreign]))


def _plain(value: Any) -> Any:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _through_table() -> str:
    return str(Post._meta.fields_map["tags"].through)  # type: ignore[attr-defined]


async def site_counts(connection: BaseDBAsyncClient | None = None) -> dict[str, int]:
    """Rows per table of the document (post_tags included): what a dump would hold."""
    counts = {key: await model.all().using_db(connection).count() for key, model in TABLES}
    rows = await _connection(connection).execute_query_dict(
        f'SELECT COUNT(*) AS n FROM "{_through_table()}"'
    )
    counts[POST_TAGS] = int(rows[0]["n"])
    return counts


def _connection(connection: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    if connection is not None:
        return connection
    from tortoise.connection import get_connection

    return get_connection("default")


async def dump_site(progress: Progress = _no_progress) -> dict[str, Any]:
    """Every table as a JSON-ready document, read in one transaction (on PostgreSQL one
    snapshot, so a site being written to dumps as it was at one moment)."""
    document: dict[str, Any] = {"format": FORMAT}
    async with in_transaction("default") as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            )
        totals = await site_counts(connection)
        for key, model in TABLES:
            names = columns(model)
            rows: list[list[Any]] = []
            last_id: int | None = None
            progress(key, 0, totals[key])
            while True:
                query = model.all().using_db(connection).order_by("id").limit(BATCH)
                if last_id is not None:
                    query = query.filter(id__gt=last_id)
                batch = await query.values_list(*names)
                if not batch:
                    break
                rows.extend([_plain(v) for v in row] for row in batch)
                last_id = batch[-1][0]
                progress(key, len(rows), max(totals[key], len(rows)))
            document[key] = {"columns": names, "rows": rows}
        pairs = await connection.execute_query_dict(
            f'SELECT post_id, tag_id FROM "{_through_table()}" ORDER BY post_id, tag_id'
        )
        document[POST_TAGS] = [[pair["post_id"], pair["tag_id"]] for pair in pairs]
        progress(POST_TAGS, len(pairs), len(pairs))
    return document


def document_counts(document: dict[str, Any]) -> dict[str, int]:
    """Rows per table in a checked document (see `check_document`)."""
    counts = {key: len(document.get(key, {}).get("rows", [])) for key, _ in TABLES}
    counts[POST_TAGS] = len(document.get(POST_TAGS, []))
    return counts


def check_document(document: Any) -> dict[str, Any]:
    """The document if it has the shape `dump_site` writes; InvalidInput naming what is not."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a {FORMAT} document (one written by `cms dump`)", field="file")
    for key, model in TABLES:
        table = document.get(key, {"columns": ["id"], "rows": []})
        if not isinstance(table, dict) or not isinstance(table.get("rows"), list):
            raise InvalidInput(f"{key}: expected columns and rows", field="file")
        names = table.get("columns")
        known = set(columns(model))
        if not isinstance(names, list) or "id" not in names:
            raise InvalidInput(f"{key}: expected a list of columns with id", field="file")
        if unknown := [str(n)[:40] for n in names if n not in known]:
            raise InvalidInput(f"{key}: unknown columns {', '.join(unknown)}", field="file")
        for number, row in enumerate(table["rows"], start=1):
            if not isinstance(row, list) or len(row) != len(names):
                raise InvalidInput(
                    f"{key}: row {number} does not have {len(names)} values", field="file"
                )
    pairs = document.get(POST_TAGS, [])
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(type(v) is int for v in p) for p in pairs
    ):
        raise InvalidInput(f"{POST_TAGS}: expected [post id, tag id] pairs", field="file")
    return document


def _parse(model: type[Model], key: str, number: int, column: str, value: Any) -> Any:
    field = model._meta.fields_map[column]
    if value is None or field.field_type not in (datetime, date):
        return value
    try:
        if field.field_type is date:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{key}: row {number}: {column} is not an ISO 8601 date and time", field="file"
        ) from None


async def load_site(
    document: Any, *, replace: bool = False, progress: Progress = _no_progress
) -> dict[str, int]:
    """Load a dump in one transaction; returns rows per table. Into an empty database, or,
    with `replace`, in place of everything it holds (tokens and documents stay). Refuses a
    database with content otherwise (Conflict), and rolls everything back when any row
    does not load, so a failed replace leaves the site as it was."""
    document = check_document(document)
    counts = document_counts(document)
    try:
        async with in_transaction("default") as connection:
            held = await site_counts(connection)
            if any(held.values()):
                if not replace:
                    raise Conflict(f"The database already holds {describe(held)}.")
                await _delete_content(connection)
            for key, model in TABLES:
                await _insert_table(key, model, document.get(key), connection, progress)
            await _insert_post_tags(document.get(POST_TAGS, []), connection)
            progress(POST_TAGS, counts[POST_TAGS], counts[POST_TAGS])
            await _restore_updated_at(document.get("posts"), connection)
            # Dumps made before `is_public` existed lack it; the statuses decide it anyway.
            await threads.refresh_all(connection)
            await _reset_sequences(connection)
    except BaseORMException as error:
        # The database refused a row (a foreign key to nothing, a duplicate id, a value of
        # the wrong type): say which rule, without the statement.
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else "refused"
        raise InvalidInput(
            f"The dump does not fit this database ({reason}); nothing was loaded.",
            field="file",
        ) from None
    return counts


def describe(counts: dict[str, int]) -> str:
    """'1 posts, 7 sections, 3 comments': the tables that have rows."""
    return (
        ", ".join(f"{n:,} {key.replace('_', ' ')}" for key, n in counts.items() if n) or "no rows"
    )


async def _delete_content(connection: BaseDBAsyncClient) -> None:
    """Every table of the document, children first (not relying on cascades)."""
    await connection.execute_query(f'DELETE FROM "{_through_table()}"')
    for _, model in reversed(TABLES):
        await model.all().using_db(connection).delete()


async def _insert_table(
    key: str,
    model: type[Model],
    table: dict[str, Any] | None,
    connection: BaseDBAsyncClient,
    progress: Progress,
) -> None:
    names, rows = (table["columns"], table["rows"]) if table else ([], [])
    progress(key, 0, len(rows))
    for start in range(0, len(rows), BATCH):
        objects = [
            model(
                **{
                    column: _parse(model, key, number, column, value)
                    for column, value in zip(names, row, strict=True)
                }
            )
            for number, row in enumerate(rows[start : start + BATCH], start=start + 1)
        ]
        await model.bulk_create(objects, using_db=connection)
        progress(key, start + len(objects), len(rows))


async def _insert_post_tags(pairs: list[list[int]], connection: BaseDBAsyncClient) -> None:
    if not pairs:
        return
    marks = "$1, $2" if connection.capabilities.dialect == "postgres" else "?, ?"
    sql = f'INSERT INTO "{_through_table()}" (post_id, tag_id) VALUES ({marks})'
    for start in range(0, len(pairs), BATCH):
        await connection.execute_many(sql, pairs[start : start + BATCH])


async def _restore_updated_at(posts: dict[str, Any] | None, connection: BaseDBAsyncClient) -> None:
    """`updated_at` is stamped on every write; put the dumped values back with plain SQL."""
    if not posts or "updated_at" not in posts["columns"]:
        return
    at, key = posts["columns"].index("updated_at"), posts["columns"].index("id")
    pairs = [
        [_parse(Post, "posts", number, "updated_at", row[at]), row[key]]
        for number, row in enumerate(posts["rows"], start=1)
        if row[at] is not None
    ]
    marks = ("$1", "$2") if connection.capabilities.dialect == "postgres" else ("?", "?")
    sql = f'UPDATE "post" SET "updated_at" = {marks[0]} WHERE "id" = {marks[1]}'
    for start in range(0, len(pairs), BATCH):
        await connection.execute_many(sql, pairs[start : start + BATCH])


async def _reset_sequences(connection: BaseDBAsyncClient) -> None:
    """PostgreSQL: move every id sequence past the loaded ids, so new rows get fresh ones
    (SQLite picks max(id) + 1 by itself)."""
    if connection.capabilities.dialect != "postgres":
        return
    for _, model in TABLES:
        table = model._meta.db_table
        await connection.execute_query(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )
