"""Database clients: Tortoise's own, with the statement time limit of a serving process."""
