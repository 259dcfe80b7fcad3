"""Resolver functions for graphql-core with Strawberry's argument handling planned once.

Strawberry wraps every field that has a resolver in a chain built per call: an `Info`,
the conversion of every argument (its GraphQL name worked out again, its type walked
again: 43 µs for the six arguments of `posts`, measured), the field extensions folded
over with `functools.partial`, then the resolver. For a field without extensions, this
module plans the same work once, when the schema is built: which arguments need
converting (input objects, global ids, lists: through Strawberry's own
`convert_argument`) and which graphql-core has already given as they are passed (scalars
and enums, or null), and what the resolver asks for (`self`, the parent, the root,
`info`). The resolver then gets exactly the arguments Strawberry would give it; a field
with extensions (permissions, for one) keeps Strawberry's resolver.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry import Schema
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument, convert_argument
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import has_enum_definition
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType

_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

Converter = Callable[[Any, Any], Any]  # (value, strawberry info) -> argument


def _passed_as_is(type_: Any, scalar_registry: Mapping[object, Any]) -> bool:
    """Whether graphql-core's value of this argument type is already the Python value."""
    if isinstance(type_, StrawberryMaybe):
        return False  # wrapped in `Some`
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, LazyType):
        type_ = type_.resolve_type()
    if type_ is GlobalID:
        return False
    return has_enum_definition(type_) or is_scalar(type_, scalar_registry)


def _converter(argument: StrawberryArgument, name: str, schema: Schema) -> Converter | None:
    """How to convert an argument's value, or None when it is passed as it is."""
    registry = schema.schema_converter.scalar_registry
    type_ = argument.type
    if _passed_as_is(type_, registry):
        return None
    config = schema.config
    # Null stays null, unless `Maybe` wraps it (in `Some`).
    nullable = isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe)

    def convert(value: Any, info: Any) -> Any:
        if value is None and nullable:
            return None
        return convert_argument(value, type_, registry, config, info, path=(name,))

    return convert


def _lean(field: StrawberryField, schema: Schema) -> Callable[..., Any] | None:
    """A resolve function for `field`, or None where Strawberry's must stay."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.is_subscription:
        return None
    call = resolver.wrapped_func
    if not callable(call):
        return None
    config = schema.config
    plan = []
    for argument in field.arguments:
        if argument.python_name is None:
            return None
        name = config.name_converter.from_argument(argument)
        plan.append((name, argument.python_name, _converter(argument, name, schema)))
    arguments = tuple(plan)
    wants_self = resolver.self_parameter is not None
    extra = tuple(
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    )
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    info_class = config.info_class

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **values: Any) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=field)
        kwargs: dict[str, Any] = {}
        for name, python_name, convert in arguments:
            if name in values:
                value = values[name]
                kwargs[python_name] = value if convert is None else convert(value, strawberry_info)
        for parameter in extra:
            kwargs[parameter] = source
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return call(source, **kwargs) if wants_self else call(**kwargs)

    return resolve


def plan_resolvers(schema: Schema) -> int:
    """Give every field of `schema` that qualifies its planned resolver; how many did."""
    if schema.exception_handlers:
        return 0  # Strawberry's resolvers are where field exception handlers run
    planned = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            resolve = _lean(field, schema)
            if resolve is not None:
                graphql_field.resolve = resolve
                planned += 1
    return planned
