"""Full-text search over posts: a GIN-indexed tsvector (PostgreSQL) or FTS5 (SQLite)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

# Kept identical to cms/services/search.py, whose queries must match this expression.
SEARCH_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(excerpt, '')), 'B')"
    " || to_tsvector('english', coalesce(search_text, '')))"
)
POSTGRES_FORWARD = [f"CREATE INDEX post_search_idx ON post USING GIN ({SEARCH_VECTOR})"]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS post_search_idx"]

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE post_fts USING fts5(
        title, excerpt, search_text, content='post', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
        INSERT INTO post_fts(rowid, title, excerpt, search_text)
        VALUES (new.id, new.title, new.excerpt, new.search_text);
    END""",
    """CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
        INSERT INTO post_fts(post_fts, rowid, title, excerpt, search_text)
        VALUES ('delete', old.id, old.title, old.excerpt, old.search_text);
    END""",
    """CREATE TRIGGER post_fts_update AFTER UPDATE OF title, excerpt, search_text ON post BEGIN
        INSERT INTO post_fts(post_fts, rowid, title, excerpt, search_text)
        VALUES ('delete', old.id, old.title, old.excerpt, old.search_text);
        INSERT INTO post_fts(rowid, title, excerpt, search_text)
        VALUES (new.id, new.title, new.excerpt, new.search_text);
    END""",
    "INSERT INTO post_fts(post_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS post_fts_update",
    "DROP TRIGGER IF EXISTS post_fts_delete",
    "DROP TRIGGER IF EXISTS post_fts_insert",
    "DROP TABLE IF EXISTS post_fts",
]


async def _run(schema_editor, statements_by_dialect) -> None:
    client = schema_editor.client
    for statement in statements_by_dialect[client.capabilities.dialect]:
        await client.execute_script(statement)


async def forward(apps, schema_editor) -> None:
    await _run(schema_editor, {"postgres": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})


async def backward(apps, schema_editor) -> None:
    await _run(schema_editor, {"postgres": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]

    operations = [ops.RunPython(forward, backward)]
