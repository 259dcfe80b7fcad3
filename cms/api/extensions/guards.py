"""Query limits, parse and validation caches, error codes and debug SQL counts.

One extension class, built once per app with its validation rules: Strawberry's own
limiters build new rule classes per instance, which defeats the validation cache.
In production, anonymous callers are also refused introspection and get validation
messages without "Did you mean ...?"; preview tokens run no mutation.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, GraphQLSchema, validate
from graphql.language import SKIP
from graphql.validation import (
    ASTValidationRule,
    ValidationContext,
    ValidationRule,
    specified_rules,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.graphql import OperationType

from cms.api.documents import cached_parse
from cms.api.errors import client_error
from cms.api.extensions.cost import build_cost_rule
from cms.api.extensions.shape import build_alias_rule, build_depth_rule
from cms.db.statements import count_statements
from cms.errors import Forbidden
from cms.principal import ANONYMOUS
from cms.services.access import refuse_read_only
from cms.settings import Limits

INTROSPECTION_HIDDEN = (
    "Introspection (`{field}`) is off for anonymous callers in production: send an "
    "editor's token (`Authorization: Bearer <token>`, in GraphiQL's Headers pane), or read "
    "the published schema (schema/schema.graphql)."
)


_MAX_VALIDATED = 512


@dataclass
class ValidationCounts:
    """How often a validation was answered from the cache, and how often it ran."""

    hits: int = 0
    misses: int = 0


validation_counts = ValidationCounts()
# Keyed by identity: parsed documents come from one cache (cms/api/documents.py), and
# hashing a document walks its whole tree. Each entry holds its document and rules, so
# their ids are not reused while it lives.
_validated: OrderedDict[tuple[int, int, int, bool], tuple[Any, Any, list[GraphQLError]]] = (
    OrderedDict()
)


def _cached_validate(
    schema: GraphQLSchema,
    document: DocumentNode | None,
    rules: tuple[type[ASTValidationRule], ...],
    hide_suggestions: bool,
) -> list[GraphQLError]:
    """Strawberry's validation (its own rules appended), with or without suggestions."""
    key = (id(schema), id(document), hash(rules), hide_suggestions)
    entry = _validated.get(key)
    if entry is not None and entry[0] is document and entry[1] == rules:
        validation_counts.hits += 1
        return entry[2]
    validation_counts.misses += 1
    assert document is not None, "validation runs after parsing"
    all_rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
    errors = validate(schema, document, all_rules, hide_suggestions=hide_suggestions)
    _validated[key] = (document, rules, errors)
    if len(_validated) > _MAX_VALIDATED:
        _validated.popitem(last=False)
    return errors


class NoIntrospection(ValidationRule):
    """`__schema` and `__type` are refused (FORBIDDEN); `__typename` stays allowed."""

    def enter_field(self, node: FieldNode, *_args: Any) -> Any:
        if node.name.value in ("__schema", "__type"):
            message = INTROSPECTION_HIDDEN.format(field=node.name.value)
            self.report_error(GraphQLError(message, node, extensions={"code": Forbidden.code}))
            return SKIP
        return None


class _TaggingContext:
    """A validation context whose reported errors carry code QUERY_TOO_COMPLEX."""

    def __init__(self, context: ValidationContext) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": "QUERY_TOO_COMPLEX"}
        self._context.report_error(error)


def _too_complex(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """The same rule, reporting its errors with code QUERY_TOO_COMPLEX."""

    class TooComplex(rule):  # type: ignore[misc, valid-type]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(_TaggingContext(context))

    return TooComplex


def build_guards(limits: Limits, *, count_sql: bool) -> type[SchemaExtension]:
    """The extension class for one schema: its rules are built here, once."""
    limiter_rules = [build_depth_rule(limits.max_depth), build_alias_rule(limits.max_aliases)]
    cost_rule = build_cost_rule(limits.max_cost, limits.max_page_size)
    rules = tuple(_too_complex(rule) for rule in (*limiter_rules, cost_rule))
    hidden_schema_rules: tuple[type[ASTValidationRule], ...] = (NoIntrospection, *rules)
    max_tokens = limits.max_tokens

    def validation_errors(
        schema: GraphQLSchema, document: DocumentNode, hidden: bool
    ) -> list[GraphQLError]:
        """What `on_validate` finds for a document (the same cache entry)."""
        own = hidden_schema_rules if hidden else rules
        return _cached_validate(schema, document, (*specified_rules, *own), hidden)

    class Guards(SchemaExtension):
        validate_document = staticmethod(validation_errors)

        def on_operation(self) -> Iterator[None]:
            if not count_sql:
                yield
                self._mask_errors()
                return
            with count_statements() as counter:
                yield
            self.sql_count = counter.count
            self._mask_errors()

        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = max_tokens
            if context.graphql_document is None and context.query:
                with suppress(GraphQLError):  # Strawberry parses again and reports it
                    context.graphql_document = cached_parse(context.query, max_tokens=max_tokens)
            yield

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            auth_error = getattr(context.context, "auth_error", None)
            if auth_error is not None:
                # A bad token fails the whole request; it never falls back to anonymous.
                context.pre_execution_errors = [
                    GraphQLError(auth_error.message, original_error=auth_error)
                ]
                yield
                return
            viewer = getattr(context.context, "viewer", ANONYMOUS)
            if context.operation_type is OperationType.MUTATION:
                try:
                    refuse_read_only(viewer)
                except Forbidden as refusal:
                    context.pre_execution_errors = [
                        GraphQLError(refusal.message, original_error=refusal)
                    ]
                    yield
                    return
            hidden = bool(getattr(context.context, "schema_hidden", False))
            context.validation_rules = (
                *context.validation_rules,
                *(hidden_schema_rules if hidden else rules),
            )
            context.pre_execution_errors = _cached_validate(
                context.schema._schema, context.graphql_document, context.validation_rules, hidden
            )
            yield

        def on_stream_result(self, result: Any) -> Iterator[None]:
            # Each subscription event is a result of its own: the same codes and masking.
            if getattr(result, "errors", None):
                result.errors = [client_error(error) for error in result.errors]
            yield

        def get_results(self) -> dict[str, Any]:
            if count_sql:
                return {"sql": {"count": getattr(self, "sql_count", 0)}}
            return {}

        def _mask_errors(self) -> None:
            result = self.execution_context.result
            if result is not None and result.errors:
                result.errors = [client_error(error) for error in result.errors]

    return Guards
