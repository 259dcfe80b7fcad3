from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cms', '0009_comment_imported')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PreviewLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='preview_links', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'preview_link', 'app': 'cms', 'indexes': [Index(fields=['post_id', 'created_at', 'id'], name='preview_link_post_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Post',
            index=Index(fields=['updated_at'], name='post_updated_idx'),
        ),
    ]
