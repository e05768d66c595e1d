"""GraphQL types per domain and the schema builder (the platform, or one subgraph)."""
