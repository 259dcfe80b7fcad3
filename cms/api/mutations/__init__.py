"""Mutation roots, one per domain, merged in cms.api.schema."""
