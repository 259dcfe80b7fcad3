"""Sub-commands of `cms`, grouped by what they work on."""
