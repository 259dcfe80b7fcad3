from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('cms', '0002_full_text_search')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Post',
            name='was_published',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        # Posts that have a publication date have been public.
        ops.RunSQL(
            "UPDATE post SET was_published = TRUE WHERE published_at IS NOT NULL",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
