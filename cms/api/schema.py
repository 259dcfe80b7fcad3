"""The schema, assembled from per-domain roots; no import-time side effects."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from cms.api.execution import ExecutionContext
from cms.api.extensions.guards import build_guards
from cms.api.mutations.articles import ArticleMutations
from cms.api.mutations.engagement import EngagementMutations
from cms.api.mutations.moderation import ModerationMutations
from cms.api.mutations.post_editing import PostEditingMutations
from cms.api.mutations.preview_links import PreviewLinkMutations
from cms.api.mutations.reactions import ReactionMutations
from cms.api.mutations.section_editing import SectionEditingMutations
from cms.api.mutations.story_editing import StoryEditingMutations
from cms.api.mutations.webhooks import WebhookMutations
from cms.api.queries.activity import ActivityQueries
from cms.api.queries.editor import EditorQueries
from cms.api.queries.posts import PostQueries
from cms.api.queries.preview import PreviewQueries
from cms.api.queries.webhooks import WebhookQueries
from cms.api.resolvers import plan_resolvers
from cms.api.subscriptions import EditorSubscriptions, EngagementSubscriptions
from cms.settings import Limits

QUERY_ROOTS: tuple[type, ...] = (
    PostQueries,
    EditorQueries,
    PreviewQueries,
    WebhookQueries,
    ActivityQueries,
)
MUTATION_ROOTS: tuple[type, ...] = (
    EngagementMutations,
    ReactionMutations,
    PostEditingMutations,
    SectionEditingMutations,
    StoryEditingMutations,
    ModerationMutations,
    ArticleMutations,
    PreviewLinkMutations,
    WebhookMutations,
)
SUBSCRIPTION_ROOTS: tuple[type, ...] = (EngagementSubscriptions, EditorSubscriptions)


class CMSSchema(strawberry.Schema):
    # The guards extension class (limits, validation cache), for queries run directly.
    guards: Any = None

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        """Unexpected errors are logged once, with their traceback, by the guards extension."""


def build_schema(limits: Limits | None = None, *, count_sql: bool = False) -> CMSSchema:
    limits = limits or Limits()
    query = merge_types("Query", QUERY_ROOTS)
    mutation = merge_types("Mutation", MUTATION_ROOTS) if MUTATION_ROOTS else None
    subscription = merge_types("Subscription", SUBSCRIPTION_ROOTS) if SUBSCRIPTION_ROOTS else None
    guards = build_guards(limits, count_sql=count_sql)
    schema = CMSSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=[guards],
        config=StrawberryConfig(relay_max_results=limits.max_page_size),
        execution_context_class=ExecutionContext,
    )
    schema.guards = guards
    plan_resolvers(schema)
    return schema


def schema_sdl() -> str:
    """The SDL committed as schema/schema.graphql."""
    return build_schema().as_str() + "\n"
