"""Browser tests: Playwright drives Debian's Chromium (`/usr/bin/chromium`, installed by
`make test` when missing) against Django's live server. A failing test leaves a screenshot in
test-artifacts/ (kept by CI as an artifact)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLANNIT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def _browser():
    # Playwright's sync API runs an event loop; Django refuses ORM calls from such a thread
    # unless told that this is intended (the test code itself is synchronous).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(base_url=live_server.url, locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    # Every page of the app is served with its Content-Security-Policy, and none breaks it
    # (Chromium reports each refused script, style or form target on the console).
    violations: list[str] = []
    unprotected: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            unprotected.append(response.url)
            if response.request.resource_type == "document"
            and response.url.startswith(live_server.url)
            and "content-security-policy" not in response.headers
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == []
    assert unprotected == []
