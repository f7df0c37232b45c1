"""Reading the emulator's request log for the limits bench: each call's start and end (epoch
seconds), the most calls one company made within a window, the most it had in flight, and a
company's calls during its pause after a 429."""

from datetime import datetime


def calls(entries: list[dict], realm_id: str | None = None) -> list[dict]:
    """The API and token-endpoint calls (not the emulator's control API), in start order,
    each with its `start` and `end`."""
    chosen = []
    for entry in entries:
        path = entry["path"]
        if not (path.startswith("/v3/") or path.rstrip("/") == "/oauth2/v1/tokens/bearer"):
            continue
        if realm_id is not None and entry.get("realm_id") != realm_id:
            continue
        start = datetime.fromisoformat(entry["time"]).timestamp()
        end = start + (entry.get("duration_ms") or 0) / 1000
        chosen.append({**entry, "start": start, "end": end})
    return sorted(chosen, key=lambda call: call["start"])


def max_per_window(entries: list[dict], realm_id: str, window: float) -> int:
    """The most calls of the company that arrived within any `window` seconds (sliding)."""
    starts = [call["start"] for call in calls(entries, realm_id)]
    best = first = 0
    for last, start in enumerate(starts):
        while starts[first] <= start - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def max_in_flight(entries: list[dict], realm_id: str) -> int:
    """The most calls of the company being answered at the same moment."""
    edges = []
    for call in calls(entries, realm_id):
        edges += [(call["start"], 1), (call["end"], -1)]
    best = current = 0
    for _moment, change in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        current += change
        best = max(best, current)
    return best


def rate(entries: list[dict], since: float, until: float) -> float:
    """Calls per second that arrived between `since` and `until` (every company)."""
    count = sum(1 for call in calls(entries) if since <= call["start"] < until)
    return count / (until - since) if until > since else 0.0


def in_pause_after_first_429(entries: list[dict], realm_id: str, pause: float) -> dict:
    """`in_pause`: the company's calls that arrived after its first 429 was answered and
    within `pause` of it; `in_flight`: those already being answered at that moment."""
    company = calls(entries, realm_id)
    first = next((call for call in company if call.get("status") == 429), None)
    if first is None:
        return {"in_pause": None, "in_flight": None}
    answered = first["end"]
    return {
        "in_pause": sum(1 for call in company if answered < call["start"] <= answered + pause),
        "in_flight": sum(
            1 for call in company if call is not first and call["start"] <= answered < call["end"]
        ),
    }


def forced_fired(stack) -> int:
    """429s the emulator's fault rules answered (not its limiter)."""
    rules = stack.emulator("GET", "/_emulator/faults")["faults"]
    return sum(rule["fired"] for rule in rules if rule["action"] == "throttle")
