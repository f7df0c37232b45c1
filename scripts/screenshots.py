"""Screenshots of the main pages at desktop and phone widths, in French and English.

    make run                      # in another terminal: the demo business on port 8000
    make screenshots              # writes docs/screenshots/<page>-<language>-<width>.png

PLANNIT_URL (default http://127.0.0.1:8000) and SCREENSHOTS_DIR change where it reads and
writes; PLANNIT_CHROMIUM the browser (Debian's /usr/bin/chromium by default).
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BASE_URL = os.environ.get("PLANNIT_URL", "http://127.0.0.1:8000").rstrip("/")
OUT = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "docs" / "screenshots"))
CHROMIUM = os.environ.get("PLANNIT_CHROMIUM", "/usr/bin/chromium")
LOGIN = ("demo@plannit.local", "demo-plannit-2026")
WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}
LANGUAGES = {"fr": "fr-ca", "en": "en"}
PAGES = {
    "home": "/",
    "contacts": "/contacts/",
    "invoices": "/invoices/",
    "invoice-new": "/invoices/new/",
    "items": "/catalog/",
    "item-new": "/catalog/items/new/",
    "tax-groups": "/settings/tax-groups/",
    "accounting": "/settings/accounting/",
}


def main() -> int:
    only = set(sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for language, code in LANGUAGES.items():
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                context.add_cookies([{"name": "django_language", "value": code, "url": BASE_URL}])
                page = context.new_page()
                page.goto(f"{BASE_URL}/login/")
                page.fill("input[name=username]", LOGIN[0])
                page.fill("input[name=password]", LOGIN[1])
                page.click("main button[type=submit]")
                page.wait_for_load_state()
                for name, path in PAGES.items():
                    if only and name not in only:
                        continue
                    page.goto(BASE_URL + path)
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"{name}-{language}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
