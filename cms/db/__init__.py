"""Database configuration, lifecycle and migrations."""
