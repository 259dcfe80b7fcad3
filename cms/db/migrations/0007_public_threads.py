"""Comments hidden with their thread, and duplicates compared as the rules read them.

- comment.is_public: APPROVED with every ancestor APPROVED (a reply under a rejected
  comment is hidden with it); computed here from the statuses, and `post.comment_count`
  recounted to public comments only.
- comment_thread_idx and comment_reply_idx lead with is_public where they had status:
  the public reads filter on it.
- comment.fingerprint and comment_duplicate_idx: the duplicate rule's key (rows from
  before have none, so they are no one's duplicate).
"""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# From the statuses, roots first (services/threads.py keeps the same for `cms load`).
REFRESH_ALL = (
    "UPDATE comment SET is_public = FALSE",
    """UPDATE comment SET is_public = TRUE WHERE id IN (
        WITH RECURSIVE shown(id) AS (
            SELECT id FROM comment WHERE parent_id IS NULL AND status = 'APPROVED'
            UNION ALL
            SELECT reply.id FROM comment AS reply JOIN shown ON reply.parent_id = shown.id
            WHERE reply.status = 'APPROVED'
        )
        SELECT id FROM shown
    )""",
    """UPDATE post SET comment_count = (
        SELECT COUNT(*) FROM comment WHERE comment.post_id = post.id AND comment.is_public = TRUE
    )""",
)


class Migration(migrations.Migration):
    dependencies = [("cms", "0006_token_expiry_and_reusable_names")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Comment",
            name="is_public",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Comment",
            name="fingerprint",
            field=fields.CharField(default="", db_default="", max_length=64),
        ),
        *(ops.RunSQL(sql, reverse_sql=ops.RunSQL.noop) for sql in REFRESH_ALL),
        ops.RemoveIndex(model_name="Comment", name="comment_thread_idx", fields=None),
        ops.AddIndex(
            model_name="Comment",
            index=Index(
                fields=["post_id", "parent_id", "is_public", "created_at", "id"],
                name="comment_thread_idx",
            ),
        ),
        ops.RunSQL(
            "DROP INDEX IF EXISTS comment_reply_idx",
            reverse_sql=(
                "CREATE INDEX comment_reply_idx ON comment (parent_id, status, created_at, id) "
                "WHERE parent_id IS NOT NULL"
            ),
        ),
        ops.RunSQL(
            "CREATE INDEX comment_reply_idx ON comment (parent_id, is_public, created_at, id) "
            "WHERE parent_id IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS comment_reply_idx",
        ),
        ops.AddIndex(
            model_name="Comment",
            index=Index(
                fields=["post_id", "fingerprint", "created_at"], name="comment_duplicate_idx"
            ),
        ),
    ]
