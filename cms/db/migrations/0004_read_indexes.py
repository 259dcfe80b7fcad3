"""An index made for every hot read, whatever the planner's statistics say.

- comment_thread_idx: a post's top-level thread (post_id, parent_id IS NULL, status) in
  order; the old (post_id, status, ...) index made the planner read every top-level
  comment of the site through the parent index.
- comment_reply_idx replaces comment_parent_idx: partial (replies only), so a post's
  top-level thread (parent_id IS NULL) can never be read through it.
- post_live_feed_idx: the public feed walks live posts newest (or oldest) first and stops
  after a page; partial, so drafts and archived posts are not in it.
- post_tag_tag_idx: the posts of a tag (the unique index leads with post_id).
- story_kind_idx: stories of one kind, newest first.
"""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# The statements in cms/services/read_statements.py repeat this predicate to the letter:
# SQLite uses a partial index only for a query whose WHERE has the same term.
LIVE = "status IN ('PUBLISHED', 'SCHEDULED')"


class Migration(migrations.Migration):
    dependencies = [('cms', '0003_post_was_published')]

    initial = False

    operations = [
        ops.RemoveIndex(model_name='Comment', name='comment_post_idx', fields=None),
        ops.AddIndex(
            model_name='Comment',
            index=Index(
                fields=['post_id', 'parent_id', 'status', 'created_at', 'id'],
                name='comment_thread_idx',
            ),
        ),
        ops.RemoveIndex(model_name='Comment', name='comment_parent_idx', fields=None),
        ops.RunSQL(
            "CREATE INDEX comment_reply_idx ON comment (parent_id, status, created_at, id) "
            "WHERE parent_id IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS comment_reply_idx",
        ),
        ops.AddIndex(
            model_name='Story', index=Index(fields=['kind', 'id'], name='story_kind_idx')
        ),
        ops.RunSQL(
            f"CREATE INDEX post_live_feed_idx ON post (feed_at, id) WHERE {LIVE}",
            reverse_sql="DROP INDEX IF EXISTS post_live_feed_idx",
        ),
        ops.RunSQL(
            "CREATE INDEX post_tag_tag_idx ON post_tag (tag_id, post_id)",
            reverse_sql="DROP INDEX IF EXISTS post_tag_tag_idx",
        ),
    ]
