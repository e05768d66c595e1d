"""A direct graphql-core resolver for strawberry fields without argument conversion.

Strawberry wraps every field with a resolver in a chain (argument conversion, a field-extension
reduce over partials, an exception-handler check) even when the field has no arguments and no
extensions: on the hot lookup that plumbing cost more than the fields' own work (issue 8). For
such fields, and for fields whose arguments are all plain scalars (str, int, float, bool, ID:
strawberry passes those through unchanged), the resolver is called as strawberry would call it
(`self` = the source, `info` = a strawberry Info, arguments under their Python names). Fields
with input-object, enum, list or custom-scalar arguments, field extensions, exception
handlers, subscriptions or other reserved parameters (root, parent) keep strawberry's path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry import ID
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.field import StrawberryField

# Argument types strawberry passes through unconverted (optional or not): a field whose
# arguments are all of these only needs its GraphQL names mapped to Python names.
_PASS_THROUGH = (str, int, float, bool, ID)


def _plain_arguments(field: StrawberryField, config: Any) -> tuple[tuple[str, str], ...] | None:
    names = []
    for argument in field.arguments:
        type_ = argument.type
        if isinstance(type_, StrawberryOptional) and not isinstance(type_, StrawberryMaybe):
            type_ = type_.of_type
        if not any(type_ is t for t in _PASS_THROUGH):
            return None
        names.append((config.name_converter.from_argument(argument), argument.python_name))
    return tuple(names)


def _lean(field: StrawberryField, config: Any) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if (resolver is None or field.extensions or field.is_subscription
            or resolver.root_parameter or resolver.parent_parameter):
        return None
    names = _plain_arguments(field, config)
    call = resolver.wrapped_func
    if names is None or not callable(call):
        return None
    info_class = config.info_class
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    if names:
        def resolve_with_arguments(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            given = {python: kwargs[graphql] for graphql, python in names if graphql in kwargs}
            if info_name:
                given[info_name] = info_class(_raw_info=info, _field=field)
            return call(source, **given) if takes_self else call(**given)
        return resolve_with_arguments
    if takes_self and info_name:
        def resolve_with_info(source: Any, info: GraphQLResolveInfo) -> Any:
            return call(source, **{info_name: info_class(_raw_info=info, _field=field)})
        return resolve_with_info
    if takes_self:
        return lambda source, info: call(source)
    if info_name:
        return lambda source, info: call(**{info_name: info_class(_raw_info=info, _field=field)})
    return lambda source, info: call()


def install_lean_resolvers(schema: Any) -> int:
    """Replaces strawberry's wrapper on every eligible field of `schema` (a strawberry
    schema); returns how many fields changed."""
    converter = schema.schema_converter
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField) or converter._get_field_exception_handlers(
                    field):
                continue
            lean = _lean(field, schema.config)
            if lean is not None:
                graphql_field.resolve = lean
                changed += 1
    return changed
