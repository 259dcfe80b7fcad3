"""Sub-commands of the `cms` command line, one module per family."""
