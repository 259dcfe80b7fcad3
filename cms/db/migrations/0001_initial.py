from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from cms.enums import CommentStatus
from cms.enums import PostStatus
from cms.enums import StoryKind
from cms.enums import Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise.timezone import now
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=80)),
                ('role', fields.CharEnumField(description='EDITOR: EDITOR\nADMIN: ADMIN', enum_type=Role, max_length=16)),
                ('prefix', fields.CharField(max_length=16)),
                ('secret_sha256', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'cms', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'tag', 'app': 'cms', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=200)),
                ('title', fields.CharField(max_length=300)),
                ('excerpt', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=PostStatus.DRAFT, description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=PostStatus, max_length=16)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('feed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('like_count', fields.IntField(default=0, db_default=0)),
                ('view_count', fields.IntField(default=0, db_default=0)),
                ('comment_count', fields.IntField(default=0, db_default=0)),
                ('search_text', fields.TextField(default='', unique=False)),
                ('tags', fields.ManyToManyField('cms.Tag', unique=True, db_constraint=True, through='post_tag', forward_key='tag_id', backward_key='post_id', related_name='posts', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'post', 'app': 'cms', 'indexes': [Index(fields=['status', 'feed_at', 'id'], name='post_feed_idx'), Index(fields=['like_count', 'id'], name='post_likes_idx'), Index(fields=['view_count', 'id'], name='post_views_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('cms.Comment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('depth', fields.IntField(default=0, db_default=0)),
                ('author', fields.CharField(max_length=80)),
                ('body', fields.TextField(unique=False)),
                ('html', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=CommentStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nSPAM: SPAM\nREJECTED: REJECTED', enum_type=CommentStatus, max_length=16)),
                ('created_at', fields.DatetimeField(default=now, auto_now=False, auto_now_add=False)),
                ('client_key', fields.CharField(default='', db_default='', max_length=64)),
            ],
            options={'table': 'comment', 'app': 'cms', 'indexes': [Index(fields=['post_id', 'status', 'created_at', 'id'], name='comment_post_idx'), Index(fields=['parent_id', 'status', 'created_at', 'id'], name='comment_parent_idx'), Index(fields=['status', 'created_at', 'id'], name='comment_queue_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Like',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('visitor_id', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'like', 'app': 'cms', 'unique_together': (('post', 'visitor_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Revision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('section_id', fields.IntField(null=True)),
                ('editor', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('previous', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'revision', 'app': 'cms', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Section',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='sections', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('heading', fields.CharField(null=True, max_length=300)),
                ('body', fields.TextField(unique=False)),
                ('html', fields.TextField(unique=False)),
            ],
            options={'table': 'section', 'app': 'cms', 'unique_together': (('post', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Story',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='stories', on_delete=OnDelete.CASCADE)),
                ('section', fields.ForeignKeyField('cms.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='stories', on_delete=OnDelete.SET_NULL)),
                ('position', fields.IntField(default=0)),
                ('kind', fields.CharEnumField(description='PERSONAL: PERSONAL\nEXPERT: EXPERT', enum_type=StoryKind, max_length=16)),
                ('name', fields.CharField(max_length=200)),
                ('descriptor', fields.CharField(null=True, max_length=300)),
                ('lead', fields.TextField(unique=False)),
                ('quote', fields.TextField(unique=False)),
            ],
            options={'table': 'story', 'app': 'cms', 'indexes': [Index(fields=['post_id', 'position', 'id'], name='story_post_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
