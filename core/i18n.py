"""Extract and compile one app's French catalog, templates included.

    python -m core.i18n <app>            # update <app>/locale/fr/LC_MESSAGES/django.po
    python -m core.i18n <app> --compile  # compile it to django.mo
    python -m core.i18n --all            # both, for every catalog (what `make messages` runs)

Each app owns its catalog, so that apps can be translated independently. The app's templates
live in templates/<app>/; they are linked into the app folder while makemessages runs. The
`core` catalog holds the shared templates (base layout, registration pages, includes).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS_WITH_TEMPLATE_DIRS = ("businesses", "contacts", "catalog", "invoicing", "accounting")
# Every catalog of the project, sub-apps included (accounting/sync owns its strings).
CATALOG_APPS = (
    "core",
    "businesses",
    "contacts",
    "catalog",
    "invoicing",
    "accounting",
    "accounting/sync",
    "accounting/imports",
    "accounting/inbound",
    "accounting/reconcile",
)


def _django() -> list[str]:
    # -P: the app folder must not shadow stdlib modules (an app has its own selectors.py).
    return [sys.executable, "-P", "-m", "django"]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="plannit.settings.dev")


def _makemessages(app: str, app_dir: Path) -> None:
    """Run makemessages in `app_dir` (the app itself, or a copy of it) for `app`."""
    (app_dir / "locale").mkdir(exist_ok=True)
    link = app_dir / "_templates"
    templates = ROOT / "templates" if app == "core" else ROOT / "templates" / app
    ignores = ["-i", "migrations/*", "-i", "locale/*"]
    if app == "core":
        for other in APPS_WITH_TEMPLATE_DIRS:
            ignores += ["-i", f"_templates/{other}/*"]
    # A sub-app (e.g. accounting/sync) owns its strings and templates: leave them out here.
    for sub_app in sorted(path.parent.name for path in app_dir.glob("*/apps.py")):
        ignores += ["-i", f"{sub_app}/*", "-i", f"_templates/{sub_app}/*"]
    if templates.exists() and not link.exists():
        link.symlink_to(templates, target_is_directory=True)
    try:
        subprocess.run(
            _django() + ["makemessages", "-l", "fr", "--no-obsolete", "--symlinks", *ignores],
            cwd=app_dir,
            check=True,
            env=_env(),
            stdout=subprocess.DEVNULL,
        )
    finally:
        if link.is_symlink():
            link.unlink()


def update(app: str) -> None:
    _makemessages(app, ROOT / app)


def compile_catalog(app: str) -> None:
    subprocess.run(
        _django() + ["compilemessages"],
        cwd=ROOT / app,
        check=True,
        env=_env(),
        stdout=subprocess.DEVNULL,
    )


def extracted_messages(app: str) -> set[tuple[str, str]]:
    """(context, msgid) of every string the app's code and templates use today, extracted
    into a scratch copy: the committed catalog is not touched."""
    from babel.messages.pofile import read_po

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / app
        shutil.copytree(
            ROOT / app,
            copy,
            ignore=shutil.ignore_patterns("locale", "__pycache__", "_templates"),
        )
        _makemessages(app, copy)
        with (copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as handle:
            return messages_of(read_po(handle))


def messages_of(catalog) -> set[tuple[str, str]]:
    return {
        (message.context or "", message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
    }


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    if argv[0] == "--all":
        for app in CATALOG_APPS:
            update(app)
            compile_catalog(app)
        return 0
    app, compile_only = argv[0], "--compile" in argv
    if not compile_only:
        update(app)
    compile_catalog(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
