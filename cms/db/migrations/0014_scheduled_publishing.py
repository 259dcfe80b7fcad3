"""post_scheduled_idx: the scheduled posts by time, so that finding the ones whose time
has come (`services/scheduled_posts.py`, every few seconds) never reads the post table."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('cms', '0013_post_activity')]

    initial = False

    operations = [
        ops.RunSQL(
            "CREATE INDEX post_scheduled_idx ON post (published_at) WHERE status = 'SCHEDULED'",
            reverse_sql="DROP INDEX IF EXISTS post_scheduled_idx",
        ),
    ]
