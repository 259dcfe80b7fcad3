"""Depth and alias limits whose work is linear in the document, whatever its fragments.

Strawberry's limiters walk a fragment again at every spread, so a document of ~10·n
tokens whose fragments each spread the previous one twice costs 2ⁿ steps on the event
loop (n = 20 took seconds). These compute each fragment's measure once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ValidationContext, ValidationRule

# How a selection set's measure combines its selections': max (depth) or sum (aliases).
Combine = Callable[[list[int]], int]


class _Measure:
    """A measure of selection sets, each fragment's computed once."""

    def __init__(
        self,
        document: Any,
        field: Callable[[FieldNode, int], int],
        combine: Combine,
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.field = field  # a field's measure from its selection set's
        self.combine = combine
        self.memo: dict[str, int] = {}

    def of(self, selections: SelectionSetNode | None, seen: frozenset[str] = frozenset()) -> int:
        if selections is None:
            return 0
        parts = []
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                parts.append(self.field(selection, self.of(selection.selection_set, seen)))
            elif isinstance(selection, InlineFragmentNode):
                parts.append(self.of(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                parts.append(self._fragment(selection.name.value, seen))
        return self.combine(parts) if parts else 0

    def _fragment(self, name: str, seen: frozenset[str]) -> int:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:  # unknown or cyclic: other rules report it
            return 0
        measure = self.of(fragment.selection_set, seen | {name})
        self.memo[name] = measure
        return measure


def _depth_of_field(node: FieldNode, below: int) -> int:
    # As Strawberry counts: leaves and introspection fields add nothing.
    if node.name.value.startswith("__") or not node.selection_set:
        return 0
    return 1 + below


def _aliases_of_field(node: FieldNode, below: int) -> int:
    return below + (1 if node.alias else 0)


def build_depth_rule(max_depth: int) -> type[ValidationRule]:
    """Refuses operations nested deeper than `max_depth` fields."""

    class MaxDepth(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.measure = _Measure(context.document, _depth_of_field, max)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = self.measure.of(node.selection_set)
            if depth > max_depth:
                name = node.name.value if node.name else "anonymous"
                self.report_error(
                    GraphQLError(
                        f"'{name}' exceeds maximum operation depth of {max_depth} (it nests "
                        f"{depth} levels). Ask for fewer nested fields.",
                        node,
                    )
                )

    return MaxDepth


def build_alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Refuses documents whose operations use more than `max_aliases` aliases in all."""

    class MaxAliases(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document, _aliases_of_field, sum)
            total = sum(
                measure.of(d.selection_set)
                for d in context.document.definitions
                if isinstance(d, OperationDefinitionNode)
            )
            if total > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"{total} aliases found. Allowed: {max_aliases}. Ask for each field "
                        "once, or split the query."
                    )
                )

    return MaxAliases
