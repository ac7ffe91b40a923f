"""Sources: everything between a shop's own export and the data contract (presets, formats, pseudonyms)."""
