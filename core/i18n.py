"""Extract and compile one app's French catalog, templates included.

    python -m core.i18n <app>            # update <app>/locale/fr/LC_MESSAGES/django.po
    python -m core.i18n <app> --compile  # compile it to django.mo

Each app owns its catalog, so that apps can be translated independently. The app's templates
live in templates/<app>/; they are linked into the app folder while makemessages runs. The
`core` catalog holds the shared templates (base layout, registration pages, includes).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS_WITH_TEMPLATE_DIRS = ("businesses", "contacts", "catalog", "invoicing", "accounting")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    app, compile_only = argv[0], "--compile" in argv
    app_dir = ROOT / app
    # -P: the app folder must not shadow stdlib modules (an app has its own selectors.py).
    django = [sys.executable, "-P", "-m", "django"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="plannit.settings.dev")
    if not compile_only:
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
                django + ["makemessages", "-l", "fr", "--no-obsolete", "--symlinks", *ignores],
                cwd=app_dir,
                check=True,
                env=env,
            )
        finally:
            if link.is_symlink():
                link.unlink()
    subprocess.run(django + ["compilemessages"], cwd=app_dir, check=True, env=env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
