"""Messages the package answers with that it does not raise itself: strawberry's HTTP
refusals, graphql-core's and strawberry's validation and syntax errors, Starlette's. Marked
here for the catalogue (`unionhub.i18n`); `{...}` stands for the varying part, matched in the
English message and carried into the translation. A message of a library that is not listed
is answered in English (its code tells what it is)."""

from __future__ import annotations

from unionhub.i18n import N_

LIBRARY_MESSAGES = (
    # strawberry's HTTP view
    N_("Batching is not enabled"),
    N_("Unsupported content type"),
    N_("The GraphQL operation's `query` must be a string or null, if provided."),
    N_("The GraphQL operation's `variables` must be an object or null, if provided."),
    N_("The GraphQL operation's `extensions` must be an object or null, if provided."),
    N_("GraphQL only supports GET and POST requests."),
    N_("Not Found"),
    N_("Can't get GraphQL operation type"),
    N_('Unknown operation named "{operation_name}".'),
    N_("{operation_type} are not allowed when using {method}"),
    N_("File(s) missing in form data"),
    N_("Unable to parse the multipart body"),
    # Starlette
    N_("Method Not Allowed"),
    # strawberry's depth and alias rules
    N_("'{operation}' exceeds maximum operation depth of {limit}"),
    N_("{count} aliases found. Allowed: {limit}"),
    # graphql-core
    N_("Syntax Error: Document contains more than {limit} tokens. Parsing aborted."),
    N_("Syntax Error: {description}"),
    N_("Cannot query field '{field}' on type '{type}'."),
    N_("Cannot query field '{field}' on type '{type}'. Did you mean {suggestions}?"),
    N_("Field '{field}' of type '{type}' must have a selection of subfields."
       " Did you mean '{selection}'?"),
    N_("Field '{field}' must not have a selection since type '{type}' has no subfields."),
    N_("Unknown argument '{argument}' on field '{field}'."),
    N_("Field '{field}' argument '{argument}' of type '{type}' is required,"
       " but it was not provided."),
    N_("Unknown type '{type}'."),
    N_("Variable '{variable}' of required type '{type}' was not provided."),
    N_("Variable '{variable}' has invalid value: {reason}"),
    N_("Variable '{variable}' got invalid value {value}; {reason}"),
    N_("GraphQL introspection has been disabled, but the requested query contained the field"
       " '{field}'."),
)
