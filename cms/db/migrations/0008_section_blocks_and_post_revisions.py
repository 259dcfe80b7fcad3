from tortoise import migrations
from tortoise.migrations import operations as ops
from cms.enums import RevisionAction
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.migrations.schema_editor.base import BaseSchemaEditor


async def _render_block_starts(apps: object, schema_editor: BaseSchemaEditor) -> None:
    """Record where each block of the existing sections begins (stories are placed by it)."""
    from cms.services.rendering import section_html

    client = schema_editor.client
    dialect = client.capabilities.dialect
    _, rows = await client.execute_query("SELECT id, body FROM section")
    update = (
        "UPDATE section SET html = ?, block_starts = ? WHERE id = ?"
        if dialect == "sqlite"
        else "UPDATE section SET html = $1, block_starts = $2 WHERE id = $3"
    )
    for row in rows:
        rendered = section_html(row[1])
        await client.execute_query(update, [rendered["html"], rendered["block_starts"], row[0]])


class Migration(migrations.Migration):
    dependencies = [('cms', '0007_public_threads')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Revision',
            name='action',
            field=fields.CharEnumField(default=RevisionAction.POST_EDITED, description='POST_EDITED: POST_EDITED\nSTATUS_CHANGED: STATUS_CHANGED\nSECTION_ADDED: SECTION_ADDED\nSECTION_EDITED: SECTION_EDITED\nSECTION_MOVED: SECTION_MOVED\nSECTION_DELETED: SECTION_DELETED\nSTORY_ADDED: STORY_ADDED\nSTORY_EDITED: STORY_EDITED\nSTORY_DELETED: STORY_DELETED\nRESTORED: RESTORED', db_default='POST_EDITED', enum_type=RevisionAction, max_length=24),
        ),
        ops.AddField(
            model_name='Revision',
            name='snapshot',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Section',
            name='block_starts',
            field=fields.TextField(default='[]', db_default='[]', unique=False),
        ),
        ops.RunPython(_render_block_starts, reverse_code=ops.RunPython.noop),
        # Revisions kept before this one changed a post's fields or one section's.
        ops.RunSQL(
            "UPDATE revision SET action = 'SECTION_EDITED' WHERE section_id IS NOT NULL",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
