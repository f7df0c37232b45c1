"""The real ``python -m qbo_emulator`` process on a free loopback port."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .conftest import CA_REALM, CLIENT_ID

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def start_server():
    processes = []

    def start(*extra):
        port = _free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "qbo_emulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        banner = process.stdout.readline()
        assert "QuickBooks Online emulator on" in banner, banner
        return f"http://127.0.0.1:{port}", process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def _token(base):
    response = requests.post(
        f"{base}/_emulator/tokens", timeout=5, json={"client_id": CLIENT_ID, "realm_id": CA_REALM}
    )
    return {
        "Authorization": f"Bearer {response.json()['access_token']}",
        "Accept": "application/json",
    }


def test_serves_discovery_tokens_and_queries(start_server):
    base, _ = start_server()

    doc = requests.get(f"{base}/.well-known/openid_configuration/", timeout=5).json()
    headers = _token(base)
    response = requests.post(
        f"{base}/v3/company/{CA_REALM}/query?minorversion=75",
        timeout=5,
        headers={**headers, "Content-Type": "application/text"},
        data="select count(*) from Customer",
    )

    assert doc["token_endpoint"] == f"{base}/oauth2/v1/tokens/bearer"
    assert response.status_code == 200
    assert response.json()["QueryResponse"] == {"totalCount": 30}
    assert response.headers["intuit_tid"]


def test_public_url_is_advertised_only_for_the_browser_facing_consent_page(start_server):
    base, _ = start_server("--public-url", "http://localhost:18765/")

    doc = requests.get(f"{base}/.well-known/openid_configuration/", timeout=5).json()

    assert doc["authorization_endpoint"] == "http://localhost:18765/connect/oauth2"
    assert doc["token_endpoint"] == f"{base}/oauth2/v1/tokens/bearer"
    assert doc["revocation_endpoint"] == f"{base}/v2/oauth2/tokens/revoke"


def test_a_dropped_connection_is_a_connection_error(start_server):
    base, _ = start_server()
    requests.post(
        f"{base}/_emulator/faults", json={"action": "drop_before", "entity": "customer"}, timeout=5
    )

    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{base}/v3/company/{CA_REALM}/customer/1", headers=_token(base), timeout=5)


def test_state_survives_a_restart(start_server, tmp_path):
    state = tmp_path / "qbo.sqlite3"
    base, process = start_server("--state", str(state))
    headers = {**_token(base), "Content-Type": "application/json"}
    created = requests.post(
        f"{base}/v3/company/{CA_REALM}/customer",
        headers=headers,
        timeout=5,
        json={"DisplayName": "Persistée Inc."},
    ).json()["Customer"]
    process.terminate()
    process.wait(timeout=10)

    base, _ = start_server("--state", str(state))
    response = requests.get(
        f"{base}/v3/company/{CA_REALM}/customer/{created['Id']}", headers=headers, timeout=5
    )

    assert response.status_code == 200
    assert response.json()["Customer"]["DisplayName"] == "Persistée Inc."


def test_webhooks_are_posted_by_the_running_server(start_server):
    import base64
    import hashlib
    import hmac
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["intuit-signature"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        base, _ = start_server()
        requests.post(
            f"{base}/_emulator/apps",
            timeout=5,
            json={
                "client_id": "hooked",
                "client_secret": "s",
                "redirect_uris": [],
                "webhook_url": f"http://127.0.0.1:{hook.server_address[1]}/hook",
                "verifier_token": "vt-123",
            },
        )
        requests.put(f"{base}/_emulator/settings", json={"webhook_delay_seconds": 0}, timeout=5)
        token = requests.post(
            f"{base}/_emulator/tokens",
            timeout=5,
            json={"client_id": "hooked", "realm_id": CA_REALM},
        ).json()
        requests.post(
            f"{base}/v3/company/{CA_REALM}/customer",
            timeout=5,
            headers={"Authorization": f"Bearer {token['access_token']}"},
            json={"DisplayName": "Webhook en direct"},
        )
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        hook.shutdown()

    body, signature = received[0]
    expected = base64.b64encode(hmac.new(b"vt-123", body, hashlib.sha256).digest()).decode()
    assert signature == expected
    assert b"qbo.customer.created.v1" in body
