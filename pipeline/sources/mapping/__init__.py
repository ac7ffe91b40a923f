"""A column mapping file: a shop's own export (any column names and words) read onto the contract, no code."""
