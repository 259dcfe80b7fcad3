"""A cheaper path through graphql-core for the fields that are only a stored value.

Most fields of a page are leaves read straight off an object (`title`, `author`,
`createdAt`). graphql-core builds a resolve info, a path and a completion chain for
each (about 15 µs a field, measured); for a field whose resolver is Strawberry's
default one, that takes no arguments and returns a scalar or an enum, this reads the
attribute and serialises it directly, which is what that chain ends up doing. Anything
else, or any value that would be an error (null for a non-null field, a value the
scalar refuses), takes graphql-core's own path, so answers and errors are unchanged.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

LeafPlan = tuple[str, GraphQLScalarType | GraphQLEnumType, bool]

_BACKREF = "strawberry-definition"
_plans: WeakKeyDictionary[GraphQLSchema, dict[int, LeafPlan]] = WeakKeyDictionary()
_MISSING = object()


def _leaf_plans(schema: GraphQLSchema) -> dict[int, LeafPlan]:
    """For each plain leaf field of the schema (by id): attribute, type, non-null."""
    plans: dict[int, LeafPlan] = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            plan = _plan(field)
            if plan is not None:
                plans[id(field)] = plan
    return plans


def _plan(field: GraphQLField) -> LeafPlan | None:
    definition = (field.extensions or {}).get(_BACKREF)
    if definition is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    if not getattr(definition, "is_basic_field", False):
        return None
    field_type = field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    return (definition.python_name, leaf, non_null)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = _plans.get(self.schema)
        if plans is None:
            plans = _plans[self.schema] = _leaf_plans(self.schema)
        manager = self.middleware_manager
        # With a field middleware (an extension's `resolve` hook) every field must run it.
        self._leaf_plans = plans if manager is None or not manager.middlewares else {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        plan = self._leaf_plans.get(id(field)) if field is not None else None
        if plan is not None and not node.arguments:
            name, leaf, non_null = plan
            value = getattr(source, name, _MISSING)
            if value is not None and value is not _MISSING:
                try:
                    serialized = leaf.serialize(value)
                except Exception:  # graphql-core's path reports it properly
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
            elif value is None and not non_null:
                return None
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
