"""`python -m cms` runs the command line."""

from cms.cli import app

app()
