"""A direct graphql-core resolver for strawberry fields that take no arguments.

Strawberry wraps every field with a resolver in a chain (argument conversion, a field-extension
reduce over partials, an exception-handler check) even when the field has no arguments and no
extensions: on the hot lookup that plumbing cost more than the fields' own work (issue 8). For
such fields the resolver is called as strawberry would call it (`self` = the source, `info` = a
strawberry Info), with nothing in between. Fields with arguments, field extensions, exception
handlers, subscriptions or other reserved parameters (root, parent) keep strawberry's path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


def _lean(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    resolver = field.base_resolver
    if (resolver is None or field.arguments or field.extensions or field.is_subscription
            or resolver.root_parameter or resolver.parent_parameter):
        return None
    call = resolver.wrapped_func
    if not callable(call):
        return None
    takes_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
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
    info_class = schema.config.info_class
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField) or converter._get_field_exception_handlers(
                    field):
                continue
            lean = _lean(field, info_class)
            if lean is not None:
                graphql_field.resolve = lean
                changed += 1
    return changed
