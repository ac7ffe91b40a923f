"""Great Expectations suites as blocking asset checks: a failed suite stops its table's publish."""
