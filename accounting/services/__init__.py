"""Writes of the accounting app. See connection.py (OAuth, tokens, disconnect),
mappings.py (the owner's choices) and references.py (the cached QBO lists)."""
