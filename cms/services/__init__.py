"""Domain rules: visibility, validation, transactions. No GraphQL or HTTP here."""
