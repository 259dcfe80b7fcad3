"""Reactions and comment votes.

- post_reaction / comment_reaction: one row per visitor and kind; post_reaction_count /
  comment_reaction_count: the count of each kind, moved in the same transaction.
- comment_vote: one vote per visitor and comment; comment.score, upvotes, downvotes.
- comment_top_idx orders a post's thread by (score, id); comment_reply_top_idx, partial
  like comment_reply_idx, the replies to a comment.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise.timezone import now
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cms', '0014_scheduled_publishing')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommentReaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('cms.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='reactions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('visitor_id', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment_reaction', 'app': 'cms', 'unique_together': (('comment', 'kind', 'visitor_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommentReactionCount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('cms.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='reaction_counts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('count', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'comment_reaction_count', 'app': 'cms', 'unique_together': (('comment', 'kind'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommentVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('cms.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('visitor_id', fields.CharField(max_length=128)),
                ('value', fields.SmallIntField()),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment_vote', 'app': 'cms', 'unique_together': (('comment', 'visitor_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostReaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='reactions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('visitor_id', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'post_reaction', 'app': 'cms', 'unique_together': (('post', 'kind', 'visitor_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostReactionCount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='reaction_counts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('count', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'post_reaction_count', 'app': 'cms', 'unique_together': (('post', 'kind'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Comment',
            name='downvotes',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Comment',
            name='score',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Comment',
            name='upvotes',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='Comment',
            index=Index(fields=['post_id', 'parent_id', 'is_public', 'score', 'id'], name='comment_top_idx'),
        ),
        ops.RunSQL(
            "CREATE INDEX comment_reply_top_idx ON comment (parent_id, is_public, score, id) "
            "WHERE parent_id IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS comment_reply_top_idx",
        ),
    ]
