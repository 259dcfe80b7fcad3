"""Import of plain-text articles."""
