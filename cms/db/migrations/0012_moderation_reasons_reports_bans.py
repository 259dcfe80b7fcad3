from tortoise import migrations
from tortoise.migrations import operations as ops
from cms.enums import CommentStatus, HoldReason
from tortoise.fields.base import OnDelete
from tortoise.timezone import now
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cms', '0011_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Ban',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author', fields.CharField(null=True, max_length=80)),
                ('author_key', fields.CharField(null=True, max_length=80)),
                ('client_key', fields.CharField(null=True, max_length=64)),
                ('reason', fields.CharField(default='', db_default='', max_length=200)),
                ('created_by', fields.CharField(default='', db_default='', max_length=80)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ban', 'app': 'cms', 'indexes': [Index(fields=['author_key', 'expires_at'], name='ban_author_idx'), Index(fields=['client_key', 'expires_at'], name='ban_client_idx'), Index(fields=['created_at', 'id'], name='ban_list_idx')], 'pk_attr': 'id', 'table_description': 'An author name or a client whose new comments are held (until `expires_at`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommentHold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('cms.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='holds', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='FIRST_COMMENT: FIRST_COMMENT\nLINKS: LINKS\nBLOCKLIST: BLOCKLIST\nREPORTS: REPORTS\nBANNED: BANNED', enum_type=HoldReason, max_length=16)),
                ('status', fields.CharEnumField(default=CommentStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nSPAM: SPAM\nREJECTED: REJECTED', enum_type=CommentStatus, max_length=16)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment_hold', 'app': 'cms', 'unique_together': (('comment', 'reason'),), 'indexes': [Index(fields=['reason', 'status', 'created_at', 'comment_id'], name='comment_hold_idx')], 'pk_attr': 'id', 'table_description': 'One reason a comment was held.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommentReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('comment', fields.ForeignKeyField('cms.Comment', source_field='comment_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('visitor_id', fields.CharField(max_length=128)),
                ('reason', fields.CharField(default='', db_default='', max_length=200)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'comment_report', 'app': 'cms', 'unique_together': (('comment', 'visitor_id'),), 'pk_attr': 'id', 'table_description': "A reader's report of a comment: one per visitor and comment."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Comment',
            name='report_count',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
