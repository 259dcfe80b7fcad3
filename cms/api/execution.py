"""A cheaper path through graphql-core for the parts of a document that only read values.

Most of a page is plain data read off objects: `edges { node { author body createdAt } }`,
`sections { heading body }`. graphql-core builds a resolve info, a path and a chain of
completion calls for every field of every object (about 15 µs a field and 50 µs an
object here, measured). This execution context compiles, once per selection, a
function that reads such a subtree directly: it applies where every field below is a
Strawberry field without a resolver (or with a getter: a plain method taking only
`self`), arguments or directives, of a scalar, enum, list or object (not abstract)
type. Whatever else, or any value that would be an error (null for a non-null field, a
value a scalar refuses), completes through graphql-core's own path, so answers and
errors are unchanged.
"""

from __future__ import annotations

import inspect
import operator
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path, Undefined
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from graphql.type.scalars import serialize_boolean, serialize_int, serialize_string
from strawberry.relay import GlobalID, Node
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

Complete = Callable[[Any], Any]

_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
_NODE_ID = Node._id.__func__
_RESOLVE_ID = Node.resolve_id.__func__  # type: ignore[attr-defined]
_RESOLVE_TYPENAME = Node.resolve_typename.__func__  # type: ignore[attr-defined]
_MAX_PLANS = 4096


class _Refused(Exception):
    """The compiled path cannot give this value: graphql-core completes it instead."""


Read = Callable[[Any], Any]


V = TypeVar("V")


class _ByIdentity(Generic[V]):
    """Values made from two long-lived objects (a type and a field, a document's node and
    its type), keyed by their identities. Each entry holds both objects, so neither id is
    reused while it lives; past `size` entries the oldest goes."""

    def __init__(self, make: Callable[[Any, Any], V], size: int = _MAX_PLANS) -> None:
        self._make = make
        self._size = size
        self._entries: OrderedDict[tuple[int, int], tuple[Any, Any, V]] = OrderedDict()

    def get(self, first: Any, second: Any) -> V:
        key = (id(first), id(second))
        entry = self._entries.get(key)
        if entry is not None and entry[0] is first and entry[1] is second:
            return entry[2]
        value = self._make(first, second)
        self._entries[key] = (first, second, value)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return value


def _reader(owner: GraphQLObjectType, field: Any) -> Read | None:
    return _readers.get(owner, field)


def _find_reader(owner: GraphQLObjectType, field: Any) -> Read | None:
    """How to read a field's value off an object of type `owner`, without graphql-core:
    the attribute of a Strawberry field with no resolver, a resolver that is a plain
    method taking only `self` (a getter: `Edge.cursor`), or Relay's `id`. None for
    anything else (arguments, `info`, field extensions such as permissions, async
    resolvers)."""
    definition = (field.extensions or {}).get(_BACKREF)
    if definition is None or field.args:
        return None
    if getattr(field.resolve, "_is_default", False):
        if not getattr(definition, "is_basic_field", False):
            return None
        return operator.attrgetter(str(definition.python_name))
    resolver = getattr(definition, "base_resolver", None)
    if resolver is None or definition.extensions or definition.arguments:
        return None
    relay_id = _relay_id(owner, resolver.wrapped_func)
    if relay_id is not None:
        return relay_id
    method = resolver.wrapped_func
    asks_more = resolver.info_parameter or resolver.parent_parameter or resolver.root_parameter
    if not inspect.isfunction(method) or resolver.is_async or asks_more:
        return None
    return cast(Read, method) if resolver.self_parameter is not None else None


_readers: _ByIdentity[Read | None] = _ByIdentity(_find_reader)


def _relay_id(owner: GraphQLObjectType, method: Any) -> Read | None:
    """The `id` of a Node type that keeps Strawberry's `resolve_id` and `resolve_typename`:
    the global id `Node._id` makes, from the type's name and its `NodeID` attribute."""
    if getattr(method, "__func__", None) is not _NODE_ID:
        return None
    origin = getattr(method, "__self__", None)
    if not isinstance(origin, type) or not issubclass(origin, Node):
        return None
    if (
        origin.resolve_id.__func__ is not _RESOLVE_ID  # type: ignore[attr-defined]
        or origin.resolve_typename.__func__ is not _RESOLVE_TYPENAME  # type: ignore[attr-defined]
    ):
        return None
    attribute = origin.resolve_id_attr()
    type_name = owner.name

    def read(value: Any) -> GlobalID:
        node_id = getattr(value, attribute) if type(value) is origin else None
        if node_id is None:
            raise _Refused  # another class, or no id: as Strawberry would see it
        return GlobalID(type_name=type_name, node_id=str(node_id))

    return read


# Built-in scalars whose serializer returns a value of exactly this type unchanged (Int:
# within 32 bits): such values skip the call.
_UNCHANGED: dict[Callable[[Any], Any], type] = {
    serialize_string: str,
    serialize_boolean: bool,
    serialize_int: int,
}
_INT_RANGE = range(-(2**31), 2**31)


def _leaf(leaf: GraphQLScalarType | GraphQLEnumType, non_null: bool = False) -> Complete:
    serialize = leaf.serialize
    unchanged = _UNCHANGED.get(serialize)

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _Refused
            return None
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise _Refused
        return serialized

    if unchanged is int:

        def complete_int(value: Any) -> Any:
            return value if type(value) is int and value in _INT_RANGE else complete(value)

        return complete_int
    if unchanged is not None:

        def complete_unchanged(value: Any) -> Any:
            return value if type(value) is unchanged else complete(value)

        return complete_unchanged
    return complete


def _non_null(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise _Refused
        return completed

    return complete


def _list(inner: Complete) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
            raise _Refused
        return [inner(item) for item in value]

    return complete


def _constant(value: str) -> Complete:
    def complete(_value: Any) -> Any:
        return value

    return complete


def _object(object_type: GraphQLObjectType, node: FieldNode) -> Complete | None:
    if node.selection_set is None:
        return None
    fields: list[tuple[str, Read | None, Complete]] = []
    names: set[str] = set()
    for selection in node.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives or selection.arguments:
            return None
        response = selection.alias.value if selection.alias else selection.name.value
        if response in names:
            return None  # fields to merge: graphql-core's job
        names.add(response)
        if selection.name.value == "__typename":
            fields.append((response, None, _constant(object_type.name)))
            continue
        field = object_type.fields.get(selection.name.value)
        read = _reader(object_type, field) if field is not None else None
        child = compile_selection(field.type, selection) if field and read else None
        if child is None:
            return None
        fields.append((response, read, child))

    def complete(value: Any) -> Any:
        if value is None:
            return None
        return {
            response: child(value) if read is None else child(read(value))
            for response, read, child in fields
        }

    return complete


def compile_selection(return_type: GraphQLOutputType, node: FieldNode) -> Complete | None:
    """A function completing values of this field, or None where graphql-core must."""
    if node.directives:
        return None
    if isinstance(return_type, GraphQLNonNull):
        if isinstance(return_type.of_type, GraphQLScalarType | GraphQLEnumType):
            return _leaf(return_type.of_type, non_null=True)
        inner = compile_selection(return_type.of_type, node)
        return _non_null(inner) if inner else None
    if isinstance(return_type, GraphQLList):
        inner = compile_selection(return_type.of_type, node)
        return _list(inner) if inner else None
    if isinstance(return_type, GraphQLScalarType | GraphQLEnumType):
        return _leaf(return_type)
    if isinstance(return_type, GraphQLObjectType):
        return _object(return_type, node)
    return None  # interfaces and unions resolve their type at run time


# Parsed documents are cached and shared by requests: their nodes live on.
_plans: _ByIdentity[Complete | None] = _ByIdentity(compile_selection)


def _plan(return_type: GraphQLOutputType, node: FieldNode) -> Complete | None:
    return _plans.get(return_type, node)


def _helpers(executor: weakref.ref[ExecutionContext]) -> GraphQLResolveInfoHelpers:
    """graphql-core's helpers for resolvers, without a reference back to the executor.

    Its own are bound methods kept on the executor, a reference cycle: every request's
    executor, context, loaders and rows then waited for a collection of the garbage
    collector, whose pauses made the executed p99."""

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        return gather_with_cancel(*values)

    def track(values: Sequence[Any]) -> None:
        alive = executor()
        if alive is not None:
            alive.track_async_work(values)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        """Variable errors leave out "Did you mean ...?" where the schema is hidden."""
        context = kwargs.get("context_value", args[3] if len(args) > 3 else None)
        if getattr(context, "schema_hidden", False):
            kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = _helpers(weakref.ref(self))
        manager = self.middleware_manager
        # With a field middleware (an extension's `resolve` hook) every field must run it.
        self._compiled = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """A plain field is read and completed at once, without a resolve info."""
        if self._compiled and len(field_details_list) == 1:
            node = field_details_list[0].node
            field = parent_type.fields.get(node.name.value)
            if field is not None and not node.arguments:
                read = _reader(parent_type, field)
                plan = _plan(field.type, node) if read else None
                if plan is not None and read is not None:
                    try:
                        return plan(read(source))
                    except Exception:  # graphql-core's path reports it properly
                        pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """A resolver's plain result (a list of sections, say) completes at once too."""
        if self._compiled and len(field_details_list) == 1 and not isinstance(result, Exception):
            plan = _plan(return_type, field_details_list[0].node)
            if plan is not None:
                try:
                    return plan(result)
                except Exception:  # graphql-core's path reports it properly
                    pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )
