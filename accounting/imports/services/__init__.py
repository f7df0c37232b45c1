"""Every write of the imports: runs (runs.py), contacts (contacts.py), catalog items and
links (items.py)."""

from .contacts import (
    contact_review_create,
    contact_review_link,
    contact_review_skip,
    contacts_tag_existing,
)
from .items import item_link_set, item_links_accept_exact
from .runs import import_run_execute, import_run_start

__all__ = [
    "contact_review_create",
    "contact_review_link",
    "contact_review_skip",
    "contacts_tag_existing",
    "import_run_execute",
    "import_run_start",
    "item_link_set",
    "item_links_accept_exact",
]
