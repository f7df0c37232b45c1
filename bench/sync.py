"""Sync engine bench: real Celery worker, Redis, PostgreSQL, the QBO emulator as a process.

    .venv/bin/python bench/sync.py

Prints one JSON object:
- latency_ms_p50 / latency_ms_p99: from the commit of the request that issues an invoice (its
  first on-commit callback) to the invoice existing in QuickBooks (the emulator's end of the
  create call, logged to the microsecond), 1 invoice per second, after WARMUP_INVOICES
  unmeasured ones (a new worker's first push opens its connections);
- commit_to_arrival_ms_p50: the same start to the create's arrival in QuickBooks (the
  emulator's start of the call): the engine's own part of the latency;
- latency_ratio_vs_direct: our p50 over the p50 of a bare python-quickbooks Invoice create
  against the same emulator in the same run, at the same cadence (one per second, interleaved
  with ours); direct_create_ms_p50_back_to_back is that create every 20 ms, for reference;
- overhead_ms_p50 / overhead_ms_p99: our latency p50 (p99) minus the bare create's p50 (p99)
  in the same run: what the engine adds to QuickBooks' own time;
- reads_per_invoice: metered calls (reads and queries, as the emulator marks them) per invoice
  during the latency phase, whose customers are linked (steady state);
- throughput_ratio: for a backlog of BACKLOG invoices of one company (written while no worker
  ran, then released as the sweeper and a reconnection release jobs: through the company's
  queue budget, the rest behind its backlog task), the shortest time QBO's limits allow over
  the time we took. The limits are QBO's (500 requests, 10 in flight, 40
  batch calls of 30 per window) with the minute shortened MINUTE_FACTOR times, in the emulator
  and in our limiter alike. From an idle start a window admits 40 x 30 + 460 = 1660 invoices,
  so the best possible time for N invoices is one window per 1660 beyond the first (our
  engine leaves 10 requests of each window to other calls: 1650, the same best time for
  2000);
- throttled_by_us: 429 answers the emulator gave us during the bench (the goal is 0).

Environment: BENCH_DATABASE_URL (PostgreSQL, default postgres://postgres@127.0.0.1:5432/
plannit_bench_sync, dropped and recreated), BENCH_REDIS_URL (default redis://127.0.0.1:6379/14,
flushed), BENCH_WORKER_POOL (prefork) and BENCH_WORKER_CONCURRENCY (4), BENCH_LATENCY_INVOICES (60), BENCH_BACKLOG (2000), BENCH_MINUTE_FACTOR (2).
"""

import json
import math
import os
import signal
import statistics
import sys
import time
from datetime import datetime
from decimal import Decimal

from _companies import connection_create, invoice_draft
from _harness import Stack, end_times, http_json, make_log, wait_for_workers

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plannit_bench_sync"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
LATENCY_INVOICES = int(os.environ.get("BENCH_LATENCY_INVOICES", "60"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "2000"))
MINUTE_FACTOR = float(os.environ.get("BENCH_MINUTE_FACTOR", "2"))
WINDOW_SECONDS = 60.0 / MINUTE_FACTOR
CONTACTS = 40
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "4"))
WORKER_POOL = os.environ.get("BENCH_WORKER_POOL", "prefork")
DIRECT_SAMPLES = 40
WARMUP_INVOICES = 3
TIME_LIMIT_SECONDS = 600
REALM = "9130357766900456"
PER_WINDOW = 40 * 30 + (500 - 40)

log = make_log("sync")


def main() -> int:
    started = time.monotonic()
    with Stack(
        database_url=DATABASE_URL, redis_url=REDIS_URL, window_seconds=WINDOW_SECONDS
    ) as stack:
        emulator_url = stack.emulator_url
        stack.start_emulator()
        stack.set_up_django()
        setup = set_up_business(emulator_url)
        log("starting the Celery worker")
        stack.start_worker(
            concurrency=WORKER_CONCURRENCY,
            pool=WORKER_POOL,
            loglevel=os.environ.get("BENCH_WORKER_LOGLEVEL", "WARNING"),
            stderr_path=os.environ.get("BENCH_WORKER_LOG"),
        )
        beat = stack.start_beat()
        wait_for_workers()
        direct_create = direct_client(emulator_url, setup)
        back_to_back_p50 = direct_baseline_back_to_back(direct_create)
        log_before = len(emulator_requests(emulator_url))
        latencies, direct, arrivals = latency_run(emulator_url, setup, direct_create)
        latency_reads = sum(
            1 for entry in emulator_requests(emulator_url)[log_before:] if entry.get("metered")
        )
        direct_p50 = statistics.median(direct)
        direct_p99 = sorted(direct)[max(0, math.ceil(0.99 * len(direct)) - 1)]
        # The backlog is written while nothing runs it (no sweeper either), then released.
        beat.send_signal(signal.SIGTERM)
        beat.wait(timeout=15)
        throughput = throughput_run(
            emulator_url, setup, deadline=started + TIME_LIMIT_SECONDS, on_start=stack.start_beat
        )
        throttled = sum(
            1 for entry in emulator_requests(emulator_url) if entry.get("status") == 429
        )
        p50 = statistics.median(latencies)
        p99 = sorted(latencies)[max(0, math.ceil(0.99 * len(latencies)) - 1)]
        result = {
            "latency_ms_p50": round(p50, 1),
            "latency_ms_p99": round(p99, 1),
            "latency_samples": len(latencies),
            "commit_to_arrival_ms_p50": round(statistics.median(arrivals), 1),
            "direct_create_ms_p50": round(direct_p50, 1),
            "direct_create_ms_p50_back_to_back": round(back_to_back_p50, 1),
            "latency_ratio_vs_direct": round(p50 / direct_p50, 2),
            "overhead_ms_p50": round(p50 - direct_p50, 1),
            "overhead_ms_p99": round(p99 - direct_p99, 1),
            "reads_per_invoice": round(latency_reads / max(1, len(latencies)), 3),
            "throughput_ratio": throughput["ratio"],
            "throughput_invoices_per_s": throughput["rate"],
            "backlog_invoices": BACKLOG,
            "backlog_seconds": throughput["elapsed"],
            "best_possible_seconds": throughput["best"],
            "batch_calls": throughput["batch_calls"],
            "single_creates": throughput["single_creates"],
            "minute_shortened_by": MINUTE_FACTOR,
            "window_seconds": WINDOW_SECONDS,
            "throttled_by_us": throttled,
            "worker_concurrency": WORKER_CONCURRENCY,
            "worker_pool": WORKER_POOL,
        }
        print(json.dumps(result))
        return 0


def set_up_business(emulator_url: str) -> dict:
    from accounting.models import AccountingSettings
    from accounting.sync.models import CustomerLink
    from businesses.services import business_sign_up
    from contacts.models import Contact
    from invoicing.services import ComponentInput, taxgroup_create

    membership = business_sign_up(
        business_name="Déneigement Bench", email="bench@example.com", password="bench-password-123"
    )
    business = membership.business
    # A Québec invoice of $30 or more with taxes needs both registration numbers.
    business.gst_hst_number, business.qst_number = "123456789RT0001", "1234567890TQ0001"
    business.save(update_fields=["gst_hst_number", "qst_number"])
    taxgroup_create(
        business=business,
        name="TPS + TVQ",
        components=[
            ComponentInput(name="TPS", rate=Decimal("5")),
            ComponentInput(name="TVQ", rate=Decimal("9.975")),
        ],
        is_default=True,
    )
    tokens = http_json("POST", f"{emulator_url}/_emulator/tokens", {"realm_id": REALM})
    token = tokens["access_token"]
    connection = connection_create(
        business=business, realm_id=REALM, tokens=tokens, company_name="Compagnie ABC"
    )
    api = f"{emulator_url}/v3/company/{REALM}"

    def query(sql: str, entity: str) -> list[dict]:
        return http_json("POST", f"{api}/query?minorversion=75", sql, token, "application/text")[
            "QueryResponse"
        ].get(entity, [])

    tax_codes = {row["Name"]: row["Id"] for row in query("select * from TaxCode", "TaxCode")}
    items = {row["Name"]: row["Id"] for row in query("select * from Item", "Item")}
    accounts = {row["Name"]: row["Id"] for row in query("select * from Account", "Account")}
    AccountingSettings.objects.create(
        business=business,
        taxable_tax_code_id=tax_codes["TPS/TVQ QC - 9,975"],
        non_taxable_tax_code_id=tax_codes["Exonéré"],
        default_item_id=items["Services"],
        deposit_account_id=accounts["Chèques"],
    )
    contacts = []
    for n in range(CONTACTS):
        contact = Contact.objects.create(
            business=business, display_name=f"Client banc {n}", email=f"banc{n}@example.com"
        )
        customer = http_json(
            "POST", f"{api}/customer?minorversion=75", {"DisplayName": contact.display_name}, token
        )["Customer"]
        CustomerLink.objects.create(
            business=business,
            realm_id=REALM,
            contact=contact,
            qbo_id=customer["Id"],
            sync_token=customer["SyncToken"],
        )
        contacts.append(contact)
    return {
        "business": business,
        "contacts": contacts,
        "token": token,
        "connection": connection,
        "customer_id": customer["Id"],
        "item_id": items["Services"],
        "tax_code": tax_codes["TPS/TVQ QC - 9,975"],
    }


def emulator_requests(emulator_url: str) -> list[dict]:
    return http_json("GET", f"{emulator_url}/_emulator/requests?realm_id={REALM}")["requests"]


def direct_client(emulator_url: str, setup: dict):
    """A bare python-quickbooks Invoice create, timed around the library call: returns the
    function that sends invoice D-<n> and gives its duration in milliseconds."""
    import requests
    from quickbooks import QuickBooks
    from quickbooks.objects.base import Ref
    from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
    from quickbooks.objects.invoice import Invoice

    qb = QuickBooks(company_id=REALM, minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = f"{emulator_url}/v3"
    qb.session = requests.Session()
    qb.session.access_token = setup["token"]

    def ref(value: str) -> Ref:
        reference = Ref()
        reference.value = value
        return reference

    def create(n: int) -> float:
        invoice = Invoice()
        invoice.CustomerRef = ref(setup["customer_id"])
        invoice.DocNumber = f"D-{n}"
        line = SalesItemLine()
        line.Amount = 150
        line.Description = "Déneigement"
        line.SalesItemLineDetail = SalesItemLineDetail()
        line.SalesItemLineDetail.ItemRef = ref(setup["item_id"])
        line.SalesItemLineDetail.Qty = 2
        line.SalesItemLineDetail.UnitPrice = 75
        line.SalesItemLineDetail.TaxCodeRef = ref(setup["tax_code"])
        invoice.Line = [line]
        clock = time.perf_counter()
        invoice.save(qb=qb)
        return (time.perf_counter() - clock) * 1000

    return create


def direct_baseline_back_to_back(create) -> float:
    """The bare create every 20 ms: what it costs on a busy (warm) machine."""
    durations = []
    for n in range(DIRECT_SAMPLES):
        durations.append(create(n))
        time.sleep(0.02)
    return statistics.median(durations)


def latency_run(emulator_url: str, setup: dict, direct_create) -> tuple[list[float], list[float]]:
    """Our latencies, and bare creates timed in the same conditions: one every second, half a
    second after each of our invoices (after a second of idleness this machine runs the same
    code several times slower than back to back, so the two must share the cadence)."""
    from django.db import transaction

    from accounting.sync.models import SyncJob
    from invoicing.services import invoice_issue

    log(f"latency: {LATENCY_INVOICES} invoices, one per second")
    commits: dict[int, float] = {}
    direct: list[float] = []
    drafts = [
        invoice_draft(setup["business"], setup["contacts"][n % CONTACTS], n)
        for n in range(LATENCY_INVOICES)
    ]
    # Warm-up, not measured: the first push of a new worker process opens its database,
    # Redis and HTTP connections and loads what Django loads lazily (as the bare client was
    # warmed by its back-to-back run).
    for n in range(WARMUP_INVOICES):
        warm = invoice_issue(
            invoice=invoice_draft(setup["business"], setup["contacts"][n], LATENCY_INVOICES + n)
        )
        deadline = time.monotonic() + 30
        while not SyncJob.objects.filter(object_id=warm.pk, kind="invoice", status="done").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the warm-up invoice did not reach QuickBooks")
            time.sleep(0.1)
        time.sleep(1.0)
    next_at = time.monotonic()
    for draft in drafts:
        time.sleep(max(0.0, next_at - time.monotonic()))
        next_at += 1.0
        # Dated by the first callback of its transaction, right after COMMIT (and before the
        # callbacks that hand the job to the broker, which are part of what is measured).
        committed: list[float] = []
        with transaction.atomic():
            transaction.on_commit(lambda stamps=committed: stamps.append(time.time()))
            invoice = invoice_issue(invoice=draft)
        commits[invoice.pk] = committed[0]
        time.sleep(max(0.0, next_at - 0.5 - time.monotonic()))
        direct.append(direct_create(DIRECT_SAMPLES + len(direct)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if SyncJob.objects.filter(object_id__in=commits, status="done").count() == len(commits):
            break
        time.sleep(0.2)
    entries = emulator_requests(emulator_url)
    ends = end_times(entries)
    starts = {
        e["requestid"]: datetime.fromisoformat(e["time"]).timestamp()
        for e in entries
        if e.get("requestid") and e["method"] == "POST" and e.get("status") == 200
    }
    to_start = []
    latencies = []
    for job in SyncJob.objects.filter(object_id__in=commits, kind="invoice"):
        end = ends.get(job.request_id)
        if end is None:
            raise RuntimeError(f"invoice {job.object_id} did not reach QuickBooks ({job.status})")
        latencies.append((end - commits[job.object_id]) * 1000)
        to_start.append((starts[job.request_id] - commits[job.object_id]) * 1000)
    log(f"commit to the create's arrival in QBO: p50 {statistics.median(to_start):.1f} ms")
    return latencies, direct, to_start


def throughput_run(emulator_url: str, setup: dict, *, deadline: float, on_start) -> dict:
    from accounting.sync.models import SyncJob
    from accounting.sync.services import jobs, wake
    from invoicing.services import invoice_issue

    log(f"throughput: creating a backlog of {BACKLOG} invoices (workers idle)")
    # Nothing may wake a worker while the backlog is written: neither the jobs' messages nor
    # the company's backlog task (its queue budget is soon spent).
    real_send, real_backlog = wake._send_task, wake._send_backlog_task
    wake._send_task = lambda job_id, countdown=None: None
    wake._send_backlog_task = lambda business_id, realm_id, countdown: None
    try:
        for n in range(BACKLOG):
            invoice_issue(
                invoice=invoice_draft(setup["business"], setup["contacts"][n % CONTACTS], n)
            )
    finally:
        wake._send_task, wake._send_backlog_task = real_send, real_backlog
    pending = list(
        SyncJob.objects.filter(status="pending").order_by("id").values_list("pk", flat=True)
    )
    log(f"throughput: {len(pending)} jobs queued; waiting for the window to be idle")
    time.sleep(WINDOW_SECONDS + 1)  # nothing of the latency run left in any window
    requests_before = len(emulator_requests(emulator_url))
    t0, wall_t0 = time.monotonic(), time.time()
    on_start()
    business_id = setup["business"].pk
    for job_id in pending:
        jobs.job_enqueue(job_id=job_id, business_id=business_id, realm_id=REALM)
    while time.monotonic() < deadline:
        done = SyncJob.objects.filter(pk__in=pending, status="done").count()
        if done == len(pending):
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - t0
    entries = emulator_requests(emulator_url)[requests_before:]
    batch_calls = sum(1 for e in entries if e["path"].endswith("/batch") and e["status"] == 200)
    single_creates = sum(
        1
        for e in entries
        if e["path"].endswith("/invoice") and e["status"] == 200 and e["method"] == "POST"
    )
    if os.environ.get("BENCH_TRACE"):
        log_trace(entries, pending, started_at=wall_t0)
    batch_ms = [e.get("duration_ms") or 0 for e in entries if e["path"].endswith("/batch")]
    log(
        f"emulator time in batch calls: total {sum(batch_ms):.0f} ms, "
        f"median {statistics.median(batch_ms) if batch_ms else 0:.0f} ms"
    )
    left = SyncJob.objects.filter(pk__in=pending).exclude(status="done").count()
    if left:
        raise RuntimeError(f"{left} backlog jobs not done in time")
    best = WINDOW_SECONDS * ((len(pending) - 1) // PER_WINDOW)
    best = max(best, 0.001)
    return {
        "elapsed": round(elapsed, 2),
        "best": round(best, 2),
        "ratio": round(best / elapsed, 3),
        "rate": round(len(pending) / elapsed, 1),
        "batch_calls": batch_calls,
        "single_creates": single_creates,
    }


def log_trace(entries: list[dict], pending: list[int], *, started_at: float) -> None:
    """BENCH_TRACE=1: where the backlog's time went, in seconds from its release: calls per
    second, the calls after the first window, any call but an invoice create, the last jobs
    done."""
    from accounting.sync.models import SyncJob

    def at(entry: dict) -> float:
        return datetime.fromisoformat(entry["time"]).timestamp() - started_at

    seconds: dict[int, list[int]] = {}
    for e in entries:
        slot = seconds.setdefault(int(at(e)), [0, 0, 0])
        slot[0 if e["path"].endswith("/batch") else 1] += 1
        slot[2] += e["status"] == 429
    log(
        "timeline (second: batch, other, 429): "
        + ", ".join(f"{k}:{v[0]}/{v[1]}/{v[2]}" for k, v in sorted(seconds.items()))
    )
    log(f"calls in the first window: {sum(1 for e in entries if at(e) < WINDOW_SECONDS)}")
    log(
        "calls after the first window (s, B batch / S single, emulator ms): "
        + " ".join(
            f"{at(e):.3f}{'B' if e['path'].endswith('/batch') else 'S'}{e.get('duration_ms') or 0:.0f}"
            for e in entries
            if at(e) > WINDOW_SECONDS - 1
        )
    )
    other = [
        f"{at(e):.3f} {e['method']} {e['path'].rsplit('/', 1)[-1]} {e['status']}"
        for e in entries
        if e["status"] != 200 or not e["path"].endswith(("/invoice", "/batch"))
    ]
    log("calls other than invoice creates: " + (" | ".join(other[:40]) or "none"))
    done_at = sorted(SyncJob.objects.filter(pk__in=pending).values_list("done_at", flat=True))
    log(
        "jobs done (every 25th of the last 400): "
        + " ".join(f"{d.timestamp() - started_at:.3f}" for d in done_at[-400::25])
    )


if __name__ == "__main__":
    sys.exit(main())
