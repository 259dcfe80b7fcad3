from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Daily counts per post (`services/activity.py`) and the score TRENDING sorts by.


class Migration(migrations.Migration):
    dependencies = [('cms', '0012_moderation_reasons_reports_bans')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PostActivity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('cms.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='activity', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('views', fields.IntField(default=0, db_default=0)),
                ('likes', fields.IntField(default=0, db_default=0)),
                ('comments', fields.IntField(default=0, db_default=0)),
                ('reactions', fields.IntField(default=0, db_default=0)),
                ('bot_views', fields.IntField(default=0, db_default=0)),
            ],
            options={'table': 'post_activity', 'app': 'cms', 'unique_together': (('post', 'day'),), 'indexes': [Index(fields=['day', 'post_id'], name='post_activity_day_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='trending_score',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='Post',
            index=Index(fields=['trending_score', 'id'], name='post_trending_idx'),
        ),
    ]
