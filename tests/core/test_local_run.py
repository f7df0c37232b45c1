"""`make run`'s helpers: a crashed worker is started again, and the emulator registers the
redirect and webhook URLs of the ports in use."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _count(path: Path) -> int:
    return path.read_text().count("run") if path.exists() else 0


def test_respawn_starts_a_dead_process_again_and_stops_when_told(tmp_path):
    runs = tmp_path / "runs"
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "respawn"), "worker", "sh", "-c", f"echo run >> {runs}; exit 3"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _count(runs) < 2:
            time.sleep(0.2)
        assert _count(runs) >= 2
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
    assert process.wait(timeout=10) == 0
    assert "worker exited with status 3; starting it again" in process.stderr.read()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_dev_emulator_registers_the_ports_in_use(tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        WEB_HOST="127.0.0.1",
        WEB_PORT="8123",
        QBO_EMULATOR_PORT=str(port),
        QBO_REDIRECT_URI="https://plannit.example.com/settings/accounting/callback/",
    )
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "EMULATOR_WEBHOOK_URL"):
        env.pop(name, None)
    state = tmp_path / "emulator.sqlite3"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "dev-emulator"), "--state", str(state)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "QuickBooks Online emulator on" in process.stdout.readline()
        assert (
            process.stdout.readline().strip()
            == "Registered http://127.0.0.1:8123/settings/accounting/callback/ with the emulator"
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/apps", timeout=5) as r:
            apps = {app["client_id"]: app for app in json.loads(r.read())["apps"]}
    finally:
        process.terminate()
        process.wait(timeout=10)
    app = apps["plannit-dev-client"]
    assert app["redirect_uris"] == [
        "http://127.0.0.1:8123/settings/accounting/callback/",
        "http://localhost:8123/settings/accounting/callback/",
        "https://plannit.example.com/settings/accounting/callback/",
    ]
    assert app["webhook_url"] == "http://127.0.0.1:8123/webhooks/quickbooks/"
    assert "client_secret" not in app
