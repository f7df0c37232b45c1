"""A small stand-in for the QBO query endpoint, behind `responses`: enough for the import
tests to page through customers and items, count them, and meet faults. The full emulator
(qbo_emulator) is used by the end-to-end import tests."""

import json
import re
from dataclasses import dataclass, field

import responses

BASE = "http://qbo-emulator.test/v3/company/"
QUERY_URL = re.compile(r"^http://qbo-emulator\.test/v3/company/(\d+)/query")
_SQL = re.compile(
    r"^SELECT\s+(?P<select>COUNT\(\*\)|\*(?:,\s*Sku)?)\s+FROM\s+(?P<entity>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+STARTPOSITION\s+(?P<start>\d+))?(?:\s+MAXRESULTS\s+(?P<max>\d+))?\s*$",
    re.IGNORECASE,
)


@dataclass
class FakeQbo:
    realm_id: str = "9130357766900456"
    entities: dict = field(default_factory=lambda: {"Customer": [], "Item": []})
    queries: list = field(default_factory=list)
    # (status, body) answered once each, before the normal answer.
    faults: list = field(default_factory=list)

    def add_customer(self, **fields) -> dict:
        row = {
            "Id": str(len(self.entities["Customer"]) + 1),
            "SyncToken": "0",
            "Active": True,
            **fields,
        }
        self.entities["Customer"].append(row)
        return row

    def add_item(self, **fields) -> dict:
        row = {
            "Id": str(len(self.entities["Item"]) + 1),
            "SyncToken": "0",
            "Active": True,
            "Type": "Service",
            "IncomeAccountRef": {"value": "79", "name": "Ventes"},
            **fields,
        }
        row.setdefault("FullyQualifiedName", row.get("Name", ""))
        self.entities["Item"].append(row)
        return row

    def callback(self, request):
        sql = request.body.decode() if isinstance(request.body, bytes) else request.body
        self.queries.append(sql)
        if self.faults:
            status, body = self.faults.pop(0)
            return status, {"Content-Type": "application/json"}, json.dumps(body)
        match = _SQL.match(" ".join(sql.split()))
        assert match, sql
        rows = list(self.entities[match["entity"]])
        where = (match["where"] or "").lower().replace(" ", "")
        if "active" not in where:
            rows = [row for row in rows if row.get("Active", True)]
        if match["select"].upper().startswith("COUNT"):
            body = {"QueryResponse": {"totalCount": len(rows)}}
        else:
            start, size = int(match["start"] or 1), int(match["max"] or 100)
            page = rows[start - 1 : start - 1 + size]
            body = {
                "QueryResponse": (
                    {match["entity"]: page, "startPosition": start, "maxResults": len(page)}
                    if page
                    else {}
                )
            }
        body["time"] = "2026-03-04T10:20:00.123-05:00"
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


def fault_body(code: str, message: str, detail: str = "") -> dict:
    return {
        "Fault": {
            "Error": [{"Message": message, "Detail": detail, "code": code}],
            "type": "SystemFault",
        },
        "time": "2026-03-04T10:20:00.123-05:00",
    }


def install(mock: responses.RequestsMock, fake: FakeQbo) -> FakeQbo:
    mock.add_callback(responses.POST, QUERY_URL, callback=fake.callback)
    return fake
