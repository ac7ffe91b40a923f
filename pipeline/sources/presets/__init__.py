"""Presets: a shop system's own export (Shopify, WooCommerce) mapped onto the contract's files."""
