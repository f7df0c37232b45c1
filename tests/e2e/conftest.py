"""Browser tests: Playwright drives Debian's Chromium (`/usr/bin/chromium`, installed by
`make test` when missing) against Django's live server. A failing test leaves a screenshot in
test-artifacts/ (kept by CI as an artifact)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLANNIT_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# axe-core from npm (package.json pins it; `make test` runs `npm ci` when it is missing).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as shown, "rule: target" each."""
    # Evaluated through the browser's debugging protocol, not as a <script> the page's
    # Content-Security-Policy would refuse (and report as a violation of the page).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return list(result)


def other_language_strings(page, language: str) -> list[str]:
    """Sentences of the other language found in the page's text, checked against the French
    catalogs: on an English page no French translation, on a French page no English source
    (only sentences that differ between the languages and are long enough to be unambiguous)."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("fr-ca")._catalog
    text = page.inner_text("body")
    found = []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not isinstance(msgstr, str) or "\x04" in msgid:
            continue
        source, translated = msgid.split("%(")[0].strip(), msgstr.split("%(")[0].strip()
        if source == translated or min(len(source), len(translated)) < 16:
            continue
        wanted = translated if language == "en" else source
        if wanted in text:
            found.append(wanted)
    return found


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
    failed: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    # A request the page's own navigation cut short (ERR_ABORTED: the user submitted the form
    # while a script was still loading) is not a failure of the app.
    page.on(
        "requestfailed",
        lambda request: (
            failed.append(f"failed {request.url} {request.failure}")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
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
    page.failed_requests = failed
    yield page
    context.close()
    assert violations == []
    assert unprotected == []


@pytest.fixture(scope="module")
def emulator_process():
    """The QuickBooks emulator as its own process, one per test module (each test resets it)."""
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "qbo_emulator", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert "QuickBooks Online emulator on" in process.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def emulator(settings, live_server, emulator_process):
    """The app pointed at the module's emulator, reset to its seeded companies, with the app's
    callback registered; Celery tasks run in the request (no worker in these tests)."""
    import requests

    from plannit.settings.base import content_security_policy

    url = emulator_process
    assert requests.post(f"{url}/_emulator/reset", timeout=5).status_code == 200
    callback = f"{live_server.url}/settings/accounting/callback/"
    settings.QBO_EMULATOR_URL = url
    settings.QBO_REDIRECT_URI = callback
    # What the settings compute from QBO_EMULATOR_URL at start-up: Connect may leave for it.
    settings.CONTENT_SECURITY_POLICY = content_security_policy(authorize_origin=url)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = requests.post(
        f"{url}/_emulator/apps",
        timeout=5,
        json={
            "client_id": settings.QBO_CLIENT_ID,
            "client_secret": settings.QBO_CLIENT_SECRET,
            "redirect_uris": [callback],
            "name": "Plannit (test)",
        },
    )
    assert response.status_code == 201
    return url
