"""API tokens: an optional expiry, a PREVIEW role, and names reusable once revoked.

The unique constraint on `api_token.name` becomes the partial unique index
`api_token_live_name_idx` over tokens that are not revoked, so `cms token create` can
give a revoked token's name to a new one.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from cms.enums import Role


class Migration(migrations.Migration):
    dependencies = [('cms', '0005_trusted_documents')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ApiToken',
            name='name',
            field=fields.CharField(max_length=80),
        ),
        ops.AlterField(
            model_name='ApiToken',
            name='role',
            field=fields.CharEnumField(
                description='EDITOR: EDITOR\nADMIN: ADMIN\nPREVIEW: PREVIEW',
                enum_type=Role,
                max_length=16,
            ),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL(
            "CREATE UNIQUE INDEX api_token_live_name_idx ON api_token (name) "
            "WHERE revoked_at IS NULL",
            reverse_sql="DROP INDEX IF EXISTS api_token_live_name_idx",
        ),
    ]
