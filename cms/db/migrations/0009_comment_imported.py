from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('cms', '0008_section_blocks_and_post_revisions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Comment',
            name='imported',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        # Comments written through the API carry a client key; the others came from articles.
        ops.RunSQL(
            "UPDATE comment SET imported = TRUE WHERE client_key = ''",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
