"""Every string of the app has its French (Québec) translation, compiled."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "core",
    "businesses",
    "contacts",
    "catalog",
    "invoicing",
    "accounting",
    "accounting/sync",
    "accounting/imports",
]
CATALOGS = [ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po" for app in APPS]


@pytest.mark.parametrize(
    "po_path", CATALOGS, ids=lambda path: "/".join(path.relative_to(ROOT).parts[:-4])
)
def test_french_catalog_is_complete_and_compiled(po_path):
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [message for message in catalog if message.id]
    untranslated = [
        message.id
        for message in messages
        if not (message.string if isinstance(message.string, str) else all(message.string))
    ]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        message.id
        for message in messages
        if isinstance(message.id, str)
        and not message.context
        and compiled.gettext(message.id) != message.string
    ]
    assert stale == [], "run: python -m core.i18n <app> --compile"


def test_a_string_reads_the_same_in_every_catalog():
    """Django merges the apps' catalogs into one: a msgid translated two ways in two apps would
    show one of them at random places. Different meanings get a context (pgettext)."""
    translations: dict[tuple[str, str], dict[str, str]] = {}
    for po_path in CATALOGS:
        with po_path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                key = (
                    message.context or "",
                    message.id if isinstance(message.id, str) else message.id[0],
                )
                text = message.string if isinstance(message.string, str) else message.string[0]
                translations.setdefault(key, {})[str(po_path.relative_to(ROOT))] = text
    conflicts = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert conflicts == {}


@pytest.mark.parametrize("app", APPS)
def test_the_catalog_holds_every_string_the_code_and_templates_use(app):
    """Extracted afresh (into a scratch copy) with the README's procedure: a catalog that
    lost strings, e.g. rewritten without the templates, shows them untranslated on the pages."""
    from core.i18n import extracted_messages, messages_of

    with (ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        committed = messages_of(read_po(handle))
    missing = extracted_messages(app) - committed
    assert sorted(missing) == [], f"run: python -m core.i18n {app}, then translate"


def test_the_extraction_sees_the_templates():
    from core.i18n import extracted_messages

    found = extracted_messages("core")
    # from templates/registration/login.html and templates/base.html
    assert {("", "Forgot your password?"), ("", "Main navigation")} <= found
