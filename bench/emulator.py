"""Benchmark of the QuickBooks Online emulator, in-process: the real python-quickbooks client
over the ``responses`` transport, one thread. Prints one JSON object.

    .venv/bin/python bench/emulator.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import responses  # noqa: E402
from intuitlib.client import AuthClient  # noqa: E402
from quickbooks import QuickBooks  # noqa: E402
from quickbooks.objects import Customer, Invoice  # noqa: E402
from quickbooks.objects.base import Ref  # noqa: E402
from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail  # noqa: E402

from qbo_emulator.core import Emulator  # noqa: E402
from qbo_emulator.seed import CA_REALM  # noqa: E402
from qbo_emulator.transport_responses import install  # noqa: E402

BASE = "http://qbo-emulator.bench"


def _ref(value):
    ref = Ref()
    ref.value = value
    return ref


def _invoice(n: int) -> Invoice:
    invoice = Invoice()
    invoice.CustomerRef = _ref(str(n % 30 + 1))
    lines = []
    for item, qty, price, code in (("4", "2", "95", "2"), ("7", "1", "29.99", "3")):
        line = SalesItemLine()
        line.Amount = Decimal(qty) * Decimal(price)
        line.SalesItemLineDetail = SalesItemLineDetail()
        line.SalesItemLineDetail.ItemRef = _ref(item)
        line.SalesItemLineDetail.TaxCodeRef = _ref(code)
        line.SalesItemLineDetail.Qty = Decimal(qty)
        line.SalesItemLineDetail.UnitPrice = Decimal(price)
        lines.append(line)
    invoice.Line = lines
    return invoice


def _rate(seconds: float, call) -> tuple[float, int]:
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        call(count)
        count += 1
    return count / (time.perf_counter() - started), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    emulator = Emulator()
    emulator.set_settings(requests_per_window=10**9, batch_per_window=10**9, webhook_delivery="off")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install(emulator, mock, [BASE])
        tokens = emulator.issue_tokens("plannit-dev-client", CA_REALM)
        auth = AuthClient(
            "plannit-dev-client",
            "plannit-dev-secret",
            "http://testserver/settings/accounting/callback/",
            environment=f"{BASE}/.well-known/openid_configuration/",
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
        )
        qb = QuickBooks(
            auth_client=auth,
            refresh_token=tokens["refresh_token"],
            company_id=CA_REALM,
            minorversion=75,
            use_decimal=True,
        )
        qb.api_url_v3 = qb.sandbox_api_url_v3 = f"{BASE}/v3"
        # No proxy look-up in the environment on every call (requests does it for each request
        # of a session that trusts the environment): it is the client's cost, not the
        # emulator's, and no proxy stands between a test and the in-process emulator.
        qb.session.trust_env = False
        mock.calls.reset()

        reads, read_count = _rate(args.seconds, lambda n: Customer.get(n % 30 + 1, qb=qb))
        creates, create_count = _rate(args.seconds, lambda n: _invoice(n).save(qb=qb))
        # the emulator's own share: the core alone, without the HTTP client stack
        token = {"Authorization": f"Bearer {tokens['access_token']}"}
        core_reads, _ = _rate(
            args.seconds / 2,
            lambda n: emulator.handle(
                "GET", f"{BASE}/v3/company/{CA_REALM}/customer/{n % 30 + 1}?minorversion=75", token
            ),
        )
        stored = emulator.company(CA_REALM).counts()["Invoice"]
    print(
        json.dumps(
            {
                "reads_per_s": round(reads, 1),
                "invoice_creates_per_s": round(creates, 1),
                "core_reads_per_s": round(core_reads, 1),
                "reads": read_count,
                "invoice_creates": create_count,
                "invoices_stored": stored,
                "seconds_per_phase": args.seconds,
                "transport": "responses (in-process), python-quickbooks 0.9.12, one thread",
            }
        )
    )


if __name__ == "__main__":
    main()
