"""One folder per domain; each exposes `defs` (a dagster.Definitions) that definitions.py merges."""
