"""The whole site as JSON (`cms dump` / `cms load`): posts, tags, sections, stories,
comments, likes and revisions, with their ids, so links between rows survive the trip.
API tokens are not part of it: their secrets cannot be restored, make new ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.connection import get_connection
from tortoise.models import Model
from tortoise.transactions import in_transaction

from cms.errors import Conflict, InvalidInput
from cms.models import Comment, Like, Post, Revision, Section, Story, Tag
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
    ("revisions", Revision),
)
_BATCH = 500


def _columns(model: type[Model]) -> list[str]:
    """Stored columns, foreign keys by their `<name>_id` attribute."""
    meta = model._meta
    foreign = [meta.fields_map[name].source_field for name in sorted(meta.fk_fields)]
    return [*meta.fields_db_projection, *foreign]  # type: ignore[list-item]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


async def dump_site() -> dict[str, Any]:
    """Every table as a JSON-ready document."""
    document: dict[str, Any] = {"format": FORMAT}
    for key, model in TABLES:
        columns = _columns(model)
        rows = await model.all().order_by("id").values_list(*columns)
        document[key] = {"columns": columns, "rows": [[_plain(v) for v in r] for r in rows]}
    post_tags = (
        await Post.filter(tags__id__isnull=False).order_by("id").values_list("id", "tags__id")
    )
    document["post_tags"] = [list(pair) for pair in post_tags]
    return document


def _parse(model: type[Model], column: str, value: Any) -> Any:
    field = model._meta.fields_map.get(column)
    if value is not None and field is not None and field.field_type is datetime:
        return datetime.fromisoformat(value)
    return value


async def load_site(document: Any) -> dict[str, int]:
    """Load a dump into an empty database, in one transaction; returns rows per table."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput(f"not a {FORMAT} document (made by `cms dump`)", field="file")
    for key, model in TABLES:
        if await model.exists():
            raise Conflict(f"The database already holds {key}: load a dump into an empty database.")
    counts: dict[str, int] = {}
    async with in_transaction() as connection:
        for key, model in TABLES:
            table = document.get(key, {"columns": [], "rows": []})
            columns, rows = table["columns"], table["rows"]
            objects = [
                model(**{c: _parse(model, c, v) for c, v in zip(columns, row, strict=True)})
                for row in rows
            ]
            for start in range(0, len(objects), _BATCH):
                await model.bulk_create(objects[start : start + _BATCH], using_db=connection)
            counts[key] = len(objects)
        through = Post._meta.fields_map["tags"].through  # type: ignore[attr-defined]
        for post_id, tag_id in document.get("post_tags", []):
            await connection.execute_query(
                f'INSERT INTO "{through}" (post_id, tag_id) VALUES ({int(post_id)}, {int(tag_id)})'
            )
        await _restore_updated_at(document["posts"], connection)
        # Dumps made before `is_public` existed lack it; the statuses decide it anyway.
        await threads.refresh_all()
    await _reset_sequences()
    return counts


async def _restore_updated_at(posts: dict[str, Any], connection: Any) -> None:
    """`updated_at` is stamped on every write; put the dumped values back with plain SQL."""
    index = posts["columns"].index("updated_at")
    pairs = [[datetime.fromisoformat(row[index]), row[0]] for row in posts["rows"]]
    if not pairs:
        return
    marks = ("$1", "$2") if connection.capabilities.dialect == "postgres" else ("?", "?")
    sql = f'UPDATE "post" SET "updated_at" = {marks[0]} WHERE "id" = {marks[1]}'
    await connection.execute_many(sql, pairs)


async def _reset_sequences() -> None:
    """PostgreSQL: move id sequences past the loaded ids (SQLite does this itself)."""
    connection = get_connection("default")
    if connection.capabilities.dialect != "postgres":
        return
    for _, model in TABLES:
        table = model._meta.db_table
        await connection.execute_script(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )
