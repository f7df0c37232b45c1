"""Inbound bench: payments entered in QuickBooks reach Plannit through the signed webhook.

    .venv/bin/python bench/inbound.py

COMPANIES businesses, each connected to a QuickBooks company of its own in the emulator (a
process), issue PAYMENTS invoices in all, pushed by a Celery worker. Then, as a bookkeeper
would, the bench enters one payment per invoice on the emulator's pages, RATE per second,
and a sender asks the emulator to deliver its queued webhooks RATE times per second, each
delivery a signed POST to the app's real route (`/webhooks/quickbooks/`, gunicorn on
127.0.0.1), the emulator timing the answer. Workers apply the events; when every payment is
in Plannit (or after WAIT_SECONDS), one catch-up pass per company absorbs what the bench
changed, and a second pass, with nothing new, counts the metered reads of a quiet company.

Prints one JSON object: webhook_ack_ms_p50 / p99 / max (the app's answer to a delivery, as
the emulator timed it), deliveries_per_second (achieved), applied_within_ms_p50 / p95
(webhook received → payment in Plannit, from the database's own times),
cdc_reads_per_quiet_company, lost (payments entered in QuickBooks absent from Plannit) and
applied_twice (QuickBooks payments recorded more than once), payments, seconds.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
plannit_bench_inbound, dropped and recreated), BENCH_REDIS_URL (redis://127.0.0.1:6379/11,
flushed), BENCH_INBOUND_COMPANIES (20), BENCH_INBOUND_PAYMENTS (1000), BENCH_INBOUND_RATE (50
deliveries and payments per second), BENCH_INBOUND_SENDERS (4 threads asking the emulator to
deliver), BENCH_INBOUND_WORKERS (2 processes), BENCH_INBOUND_POOL (threads) and
BENCH_INBOUND_WORKER_CONCURRENCY (4 each),
BENCH_INBOUND_WEB_WORKERS (2, gunicorn), BENCH_INBOUND_WAIT_SECONDS (120),
BENCH_TIME_LIMIT_SECONDS (900: a hard stop; every process is stopped and what was measured so
far is printed).
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from _companies import companies_set_up, invoice_draft
from _harness import (
    PYTHON,
    ROOT,
    HardStop,
    Stack,
    free_port,
    make_log,
    set_hard_stop,
    wait_for_workers,
)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_bench_inbound"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
COMPANIES = int(os.environ.get("BENCH_INBOUND_COMPANIES", "20"))
PAYMENTS = int(os.environ.get("BENCH_INBOUND_PAYMENTS", "1000"))
RATE = float(os.environ.get("BENCH_INBOUND_RATE", "50"))
CONCURRENCY = int(os.environ.get("BENCH_INBOUND_WORKER_CONCURRENCY", "4"))
# Two processes: one interpreter's GIL holds about 25 payments a second (each is a metered
# read and some twenty SQL statements), below the 50 a second asked for.
WORKERS = int(os.environ.get("BENCH_INBOUND_WORKERS", "2"))
POOL = os.environ.get("BENCH_INBOUND_POOL", "threads")
WEB_WORKERS = int(os.environ.get("BENCH_INBOUND_WEB_WORKERS", "2"))
SENDERS = int(os.environ.get("BENCH_INBOUND_SENDERS", "4"))
WAIT_SECONDS = float(os.environ.get("BENCH_INBOUND_WAIT_SECONDS", "120"))
TIME_LIMIT_SECONDS = float(os.environ.get("BENCH_TIME_LIMIT_SECONDS", "900"))
VERIFIER = "bench-inbound-verifier"
CLIENT_ID = "plannit-dev-client"

log = make_log("inbound")


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return round(ordered[index], 1)


def start_web(stack: Stack) -> str:
    port = free_port()
    stack.processes.append(
        subprocess.Popen(
            [
                str(os.path.join(os.path.dirname(PYTHON), "gunicorn")),
                "plannit.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WEB_WORKERS),
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=stack.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{url}/healthz/", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the web server did not start")
    # Every web worker loads the endpoint's code once (unsigned posts: refused, nothing stored)
    for _ in range(10 * WEB_WORKERS):
        if post_form(f"{url}/webhooks/quickbooks/", {}) != 401:
            raise RuntimeError("the webhook endpoint accepted an unsigned delivery")
    return url


def post_form(url: str, form: dict) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as answer:
        return answer.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def issue_and_push(companies: list[dict]) -> list[tuple[str, str]]:
    """PAYMENTS invoices issued across the companies, waited for until all are in QuickBooks;
    returns (realm, QuickBooks invoice Id) of each."""
    from accounting.sync.models import InvoiceLink
    from invoicing.services import invoice_issue

    per_company = -(-PAYMENTS // len(companies))
    issued = []
    for company in companies:
        for n in range(per_company):
            if len(issued) == PAYMENTS:
                break
            draft = invoice_draft(company["business"], company["contact"], n)
            issued.append(invoice_issue(invoice=draft).pk)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        links = list(
            InvoiceLink.objects.filter(invoice_id__in=issued).values_list("realm_id", "qbo_id")
        )
        if len(links) == len(issued):
            return links
        time.sleep(0.5)
    raise RuntimeError(f"only {len(links)} of {len(issued)} invoices reached QuickBooks")


def wait_quiet(timeout: float = 120) -> None:
    """Until the workers have applied every event received so far (the pushes' echoes)."""
    from accounting.inbound.models import PENDING_STATUSES, InboundEvent

    deadline = time.monotonic() + timeout
    while InboundEvent.objects.filter(status__in=PENDING_STATUSES).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the echoes of the pushes were not applied in time")
        time.sleep(0.2)


def wait_applied(expected: int, timeout: float) -> int:
    from invoicing.models import Payment

    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline:
        count = Payment.objects.filter(source="quickbooks").count()
        if count >= expected:
            return count
        time.sleep(0.25)
    return count


def enter_payments(stack: Stack, links: list[tuple[str, str]], result: dict) -> list[dict]:
    """The bookkeeper (RATE payments a second) and Intuit's sender (RATE deliveries a second),
    side by side; returns the emulator's delivery records."""
    records: list[dict] = []
    entering = threading.Event()
    entering.set()
    senders = SENDERS

    def sender(offset: int) -> None:
        # Each of the senders asks for what is due every senders / RATE seconds, staggered:
        # RATE deliveries a second at most, as many as there are payments to announce.
        period = senders / RATE
        due = time.monotonic() + offset / RATE
        while entering.is_set():
            time.sleep(max(0.0, due - time.monotonic()))
            due += period
            answer = stack.emulator("POST", "/_emulator/webhooks/deliver", {"force": True})
            records.extend(answer["deliveries"])

    threads = [threading.Thread(target=sender, args=(n,), daemon=True) for n in range(senders)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    for index, (realm, invoice_id) in enumerate(links):
        due = started + index / RATE
        time.sleep(max(0.0, due - time.monotonic()))
        status = post_form(
            f"{stack.emulator_url}/companies/{realm}/actions/record_payment",
            {"invoice": invoice_id, "amount": "100.00", "reference": f"CHK {index}"},
        )
        if status != 302:
            raise RuntimeError(f"the emulator refused payment {index}: {status}")
    result["entering_seconds"] = round(time.monotonic() - started, 1)
    time.sleep(2 * SENDERS / RATE)
    entering.clear()
    for thread in threads:
        thread.join(timeout=60)
    records.extend(
        stack.emulator("POST", "/_emulator/webhooks/deliver", {"force": True})["deliveries"]
    )
    sending = time.monotonic() - started
    result["deliveries"] = len(records)
    result["deliveries_per_second"] = round(len(records) / sending, 1) if sending else None
    return records


def applied_within() -> list[float]:
    """Per Plannit payment from QuickBooks: its creation minus the first receipt of an event
    for that QuickBooks payment (ms)."""
    from django.db.models import Min

    from accounting.inbound.models import InboundEvent, InboundPaymentLine

    received = {
        (row["realm_id"], row["entity_id"]): row["first"]
        for row in InboundEvent.objects.filter(entity="Payment", source="webhook")
        .values("realm_id", "entity_id")
        .annotate(first=Min("received_at"))
    }
    spans = []
    for line in InboundPaymentLine.objects.select_related("payment"):
        first = received.get((line.realm_id, line.qbo_payment_id))
        if first is not None:
            spans.append((line.payment.created_at - first).total_seconds() * 1000)
    return spans


def quiet_cdc_reads(companies: list[dict]) -> float:
    from accounting.inbound.services import cdc
    from accounting.sync.models import ApiUsage

    cdc.checkpoints_due()  # every company has its checkpoint
    for company in companies:  # a pass that absorbs what the bench changed
        cdc.cdc_run(business_id=company["business"].pk, realm_id=company["realm_id"])
    realms = [c["realm_id"] for c in companies]
    before = sum(ApiUsage.objects.filter(realm_id__in=realms).values_list("reads", flat=True))
    for company in companies:
        cdc.cdc_run(business_id=company["business"].pk, realm_id=company["realm_id"])
    after = sum(ApiUsage.objects.filter(realm_id__in=realms).values_list("reads", flat=True))
    return round((after - before) / len(companies), 2)


def lost_and_twice(links: list[tuple[str, str]]) -> dict:
    """lost: invoices paid in QuickBooks without their payment in Plannit; applied_twice:
    QuickBooks payments recorded more than once, or invoices paid more than the $100."""
    from decimal import Decimal

    from django.db.models import Count

    from accounting.inbound.models import InboundPaymentLine
    from accounting.sync.models import InvoiceLink
    from invoicing.models import Payment

    present = set(InboundPaymentLine.objects.values_list("realm_id", "qbo_invoice_id"))
    twice = (
        Payment.objects.filter(source="quickbooks")
        .values("business_id", "source_reference")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    overpaid = InvoiceLink.objects.filter(invoice__amount_paid__gt=Decimal("100.00")).count()
    return {"lost": len(set(links) - present), "applied_twice": twice + overpaid}


def main() -> int:
    started = time.monotonic()
    result: dict = {"companies": COMPANIES, "payments": PAYMENTS, "rate": RATE}
    set_hard_stop(TIME_LIMIT_SECONDS, log)
    try:
        with Stack(
            database_url=DATABASE_URL,
            redis_url=REDIS_URL,
            extra_env={"QBO_WEBHOOK_VERIFIER_TOKEN": VERIFIER, "QBO_CDC_INTERVAL_SECONDS": "3600"},
        ) as stack:
            stack.start_emulator()
            stack.emulator("PUT", "/_emulator/settings", {"webhook_delivery": "manual"})
            stack.set_up_django()
            web = start_web(stack)
            stack.emulator(
                "PATCH",
                f"/_emulator/apps/{CLIENT_ID}",
                {"webhook_url": f"{web}/webhooks/quickbooks/", "verifier_token": VERIFIER},
            )
            companies = companies_set_up(stack, COMPANIES, prefix="Entrant", log=log)
            stack.start_beat()  # the sweepers (jobs past a company's queue budget, events)
            names = [f"inbound{n}" for n in range(WORKERS)]
            for name in names:
                stack.start_worker(concurrency=CONCURRENCY, pool=POOL, name=name)
            wait_for_workers(names, timeout=60)
            log(f"issuing {PAYMENTS} invoices")
            links = issue_and_push(companies)
            stack.emulator("POST", "/_emulator/webhooks/deliver", {"force": True})  # the echoes
            wait_quiet()
            log(f"entering {PAYMENTS} payments at {RATE}/s")
            records = enter_payments(stack, links, result)
            acks = [r["duration_ms"] for r in records if r.get("duration_ms") is not None]
            result["refused_deliveries"] = sum(1 for r in records if not r["delivered"])
            result["webhook_ack_ms_p50"] = percentile(acks, 0.50)
            result["webhook_ack_ms_p99"] = percentile(acks, 0.99)
            result["webhook_ack_ms_max"] = round(max(acks), 1) if acks else None
            result["applied"] = wait_applied(len(links), WAIT_SECONDS)
            spans = applied_within()
            result["applied_within_ms_p50"] = percentile(spans, 0.50)
            result["applied_within_ms_p95"] = percentile(spans, 0.95)
            result["cdc_reads_per_quiet_company"] = quiet_cdc_reads(companies)
            result.update(lost_and_twice(links))
    except (HardStop, Exception) as error:  # print what was measured
        result["error"] = f"{type(error).__name__}: {error}"
        result["seconds"] = round(time.monotonic() - started, 1)
        print(json.dumps(result))
        return 1
    result["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
