"""A query cost limit: how many objects a document could ask for, at worst.

Each field costs one per object it is resolved on. A paginated field multiplies the
cost below it by its page size (`first`/`last` as written, the page-size cap for a
variable, since a cached document runs with any variables, or the argument's schema
default); the edges of a connection are that page, not another multiplier; a list whose
field declares its longest length (`LIST_LENGTH`, e.g. `Post.activity`: the buckets its
range holds) counts as that; any other list counts as ten. Nested pages multiply, so
`posts(first: 100) { edges { node { comments(first: 100) { ... } } } }` is refused
before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.validation import ValidationContext, ValidationRule
from strawberry.schema.schema_converter import GraphQLCoreConverter

ASSUMED_LIST_LENGTH = 10
PAGE_ARGUMENTS = ("first", "last")
# A field's own worst length, as `strawberry.field(metadata={LIST_LENGTH: f})` declares it:
# f(arguments as written) -> how many items the list can hold at most.
LIST_LENGTH = "cost.list_length"


def build_cost_rule(max_cost: int, max_page_size: int) -> type[ValidationRule]:
    """A validation rule class refusing operations whose worst case exceeds `max_cost`."""

    class MaxCost(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            # Each fragment's cost is computed once: spreading a fragment that spreads
            # another twice, n levels down, must not cost 2ⁿ steps.
            self.memo: dict[str, int] = {}

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            schema = self.context.schema
            root = {
                OperationType.QUERY: schema.query_type,
                OperationType.MUTATION: schema.mutation_type,
                OperationType.SUBSCRIPTION: schema.subscription_type,
            }[node.operation]
            cost = self._cost(node.selection_set, root, set())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"This query could return about {cost:,} objects; the limit is "
                        f"{max_cost:,}. Ask for smaller pages (first/last) or fewer nested "
                        "lists.",
                        node,
                    )
                )

        def _width(self, node: FieldNode, parent: GraphQLNamedType, field: Any) -> int:
            written = {a.name.value: a.value for a in node.arguments or ()}
            for name in PAGE_ARGUMENTS:
                value = written.get(name)
                if isinstance(value, IntValueNode):
                    # A negative page is refused when it runs; here it must not cancel out
                    # the cost of the rest of the document.
                    return max(0, int(value.value))
                if isinstance(value, VariableNode):
                    # The validated document is cached and reused with any variables:
                    # a variable page size counts as the largest page a client may ask for.
                    return max_page_size
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            length = getattr(definition, "metadata", None) or {}
            if LIST_LENGTH in length:
                return int(length[LIST_LENGTH](written))
            first = field.args.get("first")
            if first is not None and isinstance(first.default_value, int):
                return first.default_value
            field_type = (
                field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            )
            if isinstance(field_type, GraphQLList):
                return 1 if parent.name.endswith("Connection") else ASSUMED_LIST_LENGTH
            return 1

        def _fragment_cost(self, name: str, seen: set[str]) -> int:
            if name in self.memo:
                return self.memo[name]
            fragment = self.fragments.get(name)
            if fragment is None or name in seen:  # unknown or cyclic: other rules report it
                return 0
            target = self.context.schema.get_type(fragment.type_condition.name.value)
            cost = self._cost(fragment.selection_set, target, seen | {name})
            self.memo[name] = cost
            return cost

        def _cost(self, selections: SelectionSetNode | None, parent: Any, seen: set[str]) -> int:
            if selections is None or parent is None:
                return 0
            total = 0
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    fields = (
                        parent.fields
                        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
                        else {}
                    )
                    field = fields.get(selection.name.value)
                    if field is None:
                        total += 1
                        continue
                    named = field.type
                    while isinstance(named, GraphQLNonNull | GraphQLList):
                        named = named.of_type
                    children = self._cost(selection.selection_set, named, seen)
                    total += 1 + self._width(selection, parent, field) * children
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    target = (
                        self.context.schema.get_type(condition.name.value) if condition else parent
                    )
                    total += self._cost(selection.selection_set, target, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    total += self._fragment_cost(selection.name.value, seen)
            return total

    return MaxCost


ListLength = Callable[[Mapping[str, ValueNode]], int]
