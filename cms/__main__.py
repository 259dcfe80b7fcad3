"""`python -m cms` runs the command line."""

from cms.cli import app

if __name__ == "__main__":  # not again in `cms serve --workers` processes
    app()
