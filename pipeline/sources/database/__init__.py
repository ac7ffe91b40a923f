"""A shop database (PostgreSQL, MySQL/MariaDB) as a source: one SQL query per contract table, streamed in."""
