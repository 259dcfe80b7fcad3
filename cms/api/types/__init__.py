"""GraphQL object types: explicit projections of the models."""
