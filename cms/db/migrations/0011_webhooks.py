"""Webhooks: endpoints, the outbox of events and their deliveries (cms/models/webhook.py).

- webhook_delivery_due_idx: the delivery task's claim reads pending rows by time.
- webhook_delivery_order_idx: a delivery waits while an earlier one to the same endpoint
  about the same post is pending.
- webhook_delivery_log_idx: an endpoint's delivery log, newest first.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from cms.enums import DeliveryStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('cms', '0010_preview_links_and_feeds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('description', fields.CharField(default='', db_default='', max_length=200)),
                ('secret', fields.CharField(max_length=80)),
                ('created_by', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'cms', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uid', fields.CharField(unique=True, max_length=36)),
                ('type', fields.CharField(max_length=32)),
                ('post_id', fields.IntField()),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_event', 'app': 'cms', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('cms.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('cms.WebhookEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('post_id', fields.IntField()),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: PENDING\nDELIVERED: DELIVERED\nFAILED: FAILED', enum_type=DeliveryStatus, max_length=16)),
                ('attempts', fields.IntField(default=0, db_default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('response_code', fields.IntField(null=True)),
                ('last_error', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'cms', 'indexes': [Index(fields=['status', 'next_attempt_at', 'id'], name='webhook_delivery_due_idx'), Index(fields=['endpoint_id', 'post_id', 'status', 'id'], name='webhook_delivery_order_idx'), Index(fields=['endpoint_id', 'id'], name='webhook_delivery_log_idx')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
