"""Loading a shop's raw files into the warehouse's `raw` schema, checked against the data contract."""
