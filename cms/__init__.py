"""A headless CMS with a GraphQL API."""
