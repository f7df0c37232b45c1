"""POST /batch (reference §5): at most 30 items, each run on its own, ``bId`` echoed, a Fault
per failed item, HTTP 200 overall."""

from __future__ import annotations

from .entities import KINDS
from .errors import ApiFault


def run(emu, ctx, payload) -> dict:
    from .api import operate, run_query

    if not isinstance(payload, dict) or not isinstance(payload.get("BatchItemRequest"), list):
        raise ApiFault("2020", "Required parameter BatchItemRequest is missing in the request")
    items = payload["BatchItemRequest"]
    if len(items) > emu.settings.batch_max_items:
        raise ApiFault(
            "1040",
            f"Batch size exceeds allowed limit : at most "
            f"{emu.settings.batch_max_items} items, got {len(items)}.",
        )
    responses = []
    for item in items:
        bid = item.get("bId") if isinstance(item, dict) else None
        out = {"bId": bid}
        try:
            if not isinstance(item, dict):
                raise ApiFault("2010", "A batch item must be a JSON object")
            if "Query" in item:
                out["QueryResponse"] = run_query(emu, ctx.company, str(item["Query"]))
            else:
                names = [key for key in item if key in KINDS]
                if len(names) != 1:
                    raise ApiFault("2010", "A batch item needs exactly one entity object")
                kind = KINDS[names[0]]
                operation = item.get("operation", "create")
                include = "void" if item.get("optionsData") == "void" else ""
                if operation == "update" and include and not kind.void_by_update:
                    operation = "void"
                if operation not in ("create", "update", "delete", "void"):
                    raise ApiFault("500", f"Operation {operation} is not supported.")
                out[kind.name] = operate(ctx, kind, operation, include, item[names[0]])
        except ApiFault as fault:
            out.pop("QueryResponse", None)
            out["Fault"] = fault.fault()
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            out["Fault"] = ApiFault(
                "2010", f"Request has invalid or unsupported property: {exc}"
            ).fault()
        responses.append(out)
    return {"BatchItemResponse": responses}
