"""Deterministic demo shop data that follows the raw data contract (docs/data-contract.md)."""
