"""UnionHub: the GraphQL platform behind a provincial trade union's member app."""
