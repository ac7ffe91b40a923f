"""Keeping plain contacts (e-mail addresses, phone numbers) out of everything the pipeline publishes."""
