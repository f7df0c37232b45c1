"""In-memory state (companies, apps, grants, tokens) and optional SQLite persistence.

Entities are kept as the JSON dicts the API returns, keyed by entity name and Id, so a read is a
dict lookup and a copy. With ``--state`` each changed entity is written as one JSON row keyed by
(realm, entity, id) and the rest (apps, tokens, counters) as small JSON blobs, in one transaction
after each write request."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading

# Name spaces for uniqueness (reference §3.1, §3.2): one for customers/vendors/employees, one for
# items and categories together.
NAME_SPACE = {
    "Customer": "names",
    "Item": "items",
    "PaymentMethod": "paymentmethods",
    "Term": "terms",
    "Account": "accounts",
    "Class": "classes",
    "Department": "departments",
}
# Id sequences: transactions share one (reference §2.7), each name list has its own.
SEQUENCE = {
    entity: "txn"
    for entity in (
        "Invoice",
        "Payment",
        "CreditMemo",
        "SalesReceipt",
        "RefundReceipt",
        "Estimate",
        "Deposit",
    )
}


def name_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class Company:
    def __init__(self, realm_id: str, name: str, country: str, currency: str, tz: str) -> None:
        self.realm_id = realm_id
        self.name = name
        self.country = country
        self.currency = currency
        self.tz = tz
        self.entities: dict[str, dict[str, dict]] = {}
        self.tombstones: dict[str, dict[str, dict]] = {}
        self.changed: dict[str, dict[str, float]] = {}
        self.counters: dict[str, int] = {}
        self.names: dict[str, dict[str, str]] = {}
        self.docnumbers: dict[str, str] = {}
        # Other sales forms' DocNumbers, per transaction type (invoices keep ``docnumbers``).
        self.other_docnumbers: dict[str, dict[str, str]] = {}
        self.next_docnumber = 1001
        self.voided: set[str] = set()
        self.files: dict[str, tuple[bytes, str]] = {}  # attachable Id -> (content, type)
        self.dirty: set[tuple[str, str]] = set()

    @property
    def is_us(self) -> bool:
        return self.country == "US"

    def table(self, entity: str) -> dict[str, dict]:
        return self.entities.setdefault(entity, {})

    def get(self, entity: str, obj_id) -> dict | None:
        return self.entities.get(entity, {}).get(str(obj_id))

    def docnumbers_of(self, entity: str) -> dict[str, str]:
        """DocNumber (case-folded) -> Id, for one transaction type."""
        if entity == "Invoice":
            return self.docnumbers
        return self.other_docnumbers.setdefault(entity, {})

    def next_id(self, entity: str) -> str:
        seq = SEQUENCE.get(entity, entity)
        self.counters[seq] = self.counters.get(seq, 0) + 1
        return str(self.counters[seq])

    def put(self, entity: str, record: dict, ts: float) -> None:
        self.table(entity)[record["Id"]] = record
        self.changed.setdefault(entity, {})[record["Id"]] = ts
        self.dirty.add((entity, record["Id"]))

    def remove(self, entity: str, obj_id: str, tombstone: dict, ts: float) -> None:
        self.table(entity).pop(obj_id, None)
        self.tombstones.setdefault(entity, {})[obj_id] = tombstone
        self.changed.setdefault(entity, {})[obj_id] = ts
        self.dirty.add((entity, obj_id))

    # name uniqueness index ------------------------------------------------------------------
    def name_owner(self, space: str, key: str) -> str | None:
        return self.names.get(space, {}).get(key)

    def set_name(self, space: str, old_key: str | None, new_key: str | None, obj_id: str) -> None:
        index = self.names.setdefault(space, {})
        if old_key is not None and index.get(old_key) == obj_id:
            del index[old_key]
        if new_key is not None:
            index[new_key] = obj_id

    def header(self) -> dict:
        return {
            "realm_id": self.realm_id,
            "name": self.name,
            "country": self.country,
            "currency": self.currency,
            "tz": self.tz,
            "counters": self.counters,
            "names": self.names,
            "docnumbers": self.docnumbers,
            "other_docnumbers": self.other_docnumbers,
            "next_docnumber": self.next_docnumber,
            "changed": self.changed,
            "voided": sorted(self.voided),
            "files": {
                obj_id: [base64.b64encode(content).decode("ascii"), content_type]
                for obj_id, (content, content_type) in self.files.items()
            },
            "tombstones": self.tombstones,
        }

    @classmethod
    def from_header(cls, data: dict) -> "Company":
        company = cls(data["realm_id"], data["name"], data["country"], data["currency"], data["tz"])
        company.counters = data["counters"]
        company.names = data["names"]
        company.docnumbers = data["docnumbers"]
        company.other_docnumbers = data.get("other_docnumbers", {})
        company.next_docnumber = data["next_docnumber"]
        company.changed = data["changed"]
        company.tombstones = data["tombstones"]
        company.voided = set(data["voided"])
        company.files = {
            obj_id: (base64.b64decode(content), content_type)
            for obj_id, (content, content_type) in data.get("files", {}).items()
        }
        return company


class State:
    """Everything the emulator knows. Guarded by ``lock`` (one lock around every mutation)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.apps: dict[str, dict] = {}
        self.companies: dict[str, Company] = {}
        self.grants: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.meta_dirty = False

    def meta(self) -> dict:
        return {
            "apps": self.apps,
            "grants": self.grants,
            "refresh_tokens": self.refresh_tokens,
            "access_tokens": self.access_tokens,
            "codes": self.codes,
        }


class SqliteStore:
    """Write-through persistence for ``--state file.sqlite3``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS entity (realm TEXT, entity TEXT, id TEXT, body TEXT, "
            "PRIMARY KEY (realm, entity, id))"
        )

    def is_empty(self) -> bool:
        return self.db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0

    def load(self, state: State) -> None:
        rows = dict(self.db.execute("SELECT key, value FROM meta"))
        meta = json.loads(rows["state"])
        for key in ("apps", "grants", "refresh_tokens", "access_tokens", "codes"):
            setattr(state, key, meta[key])
        state.companies = {}
        for key, value in rows.items():
            if key.startswith("company:"):
                company = Company.from_header(json.loads(value))
                state.companies[company.realm_id] = company
        for realm, entity, _id, body in self.db.execute(
            "SELECT realm, entity, id, body FROM entity"
        ):
            record = json.loads(body)
            state.companies[realm].table(entity)[record["Id"]] = record

    def save(self, state: State, full: bool = False) -> None:
        """Write what changed since the last save (everything when ``full``)."""
        cur = self.db.cursor()
        cur.execute("BEGIN")
        try:
            if full:
                cur.execute("DELETE FROM meta")
                cur.execute("DELETE FROM entity")
            cur.execute(
                "INSERT OR REPLACE INTO meta VALUES ('state', ?)", (json.dumps(state.meta()),)
            )
            for company in state.companies.values():
                if not company.dirty and not full:
                    continue
                cur.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    (f"company:{company.realm_id}", json.dumps(company.header())),
                )
                keys = (
                    [(e, i) for e, t in company.entities.items() for i in t]
                    if full
                    else list(company.dirty)
                )
                for entity, obj_id in keys:
                    record = company.get(entity, obj_id)
                    if record is None:
                        cur.execute(
                            "DELETE FROM entity WHERE realm=? AND entity=? AND id=?",
                            (company.realm_id, entity, obj_id),
                        )
                    else:
                        cur.execute(
                            "INSERT OR REPLACE INTO entity VALUES (?, ?, ?, ?)",
                            (company.realm_id, entity, obj_id, json.dumps(record)),
                        )
                company.dirty.clear()
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.db.close()
