"""Schema extensions."""
