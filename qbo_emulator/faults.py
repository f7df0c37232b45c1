"""Injected faults, deterministic with a seed: for matching requests (method, path or entity,
realm; probability or every Nth; at most ``times``) answer an error status, throttle, add
latency, hang, drop the connection before or after the write is committed, or answer an error
status after the write is committed (``status_after``)."""

from __future__ import annotations

import itertools
import random
import re
import threading
from dataclasses import asdict, dataclass, field

ACTIONS = (
    "status",
    "status_after",
    "throttle",
    "latency",
    "hang",
    "drop_before",
    "drop_after",
)


@dataclass
class FaultRule:
    action: str
    id: int = 0
    method: str | None = None
    path: str | None = None  # a regular expression searched in the path
    entity: str | None = None  # e.g. "invoice"
    realm_id: str | None = None
    probability: float | None = None
    every: int | None = None
    times: int | None = None
    status: int = 503
    latency_ms: int = 0
    seed: int = 0
    seen: int = 0
    fired: int = 0
    _rng: random.Random = field(default=None, repr=False)

    def public(self) -> dict:
        data = asdict(self)
        data.pop("_rng")
        return data


def rule_from(spec: dict, rule_id: int) -> FaultRule:
    if not isinstance(spec, dict):
        raise ValueError("a fault is a JSON object")
    allowed = {
        "action",
        "method",
        "path",
        "entity",
        "realm_id",
        "probability",
        "every",
        "times",
        "status",
        "latency_ms",
        "seed",
    }
    unknown = set(spec) - allowed
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    if spec.get("action") not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    if spec["action"] in ("status", "status_after") and spec.get("status", 503) not in (
        500,
        502,
        503,
        504,
    ):
        raise ValueError("status must be 500, 502, 503 or 504")
    probability = spec.get("probability")
    if probability is not None and not (
        isinstance(probability, (int, float)) and 0 <= probability <= 1
    ):
        raise ValueError("probability must be between 0 and 1")
    for key in ("every", "times", "latency_ms", "seed"):
        value = spec.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ValueError(f"{key} must be a whole number >= 0")
    if spec.get("path"):
        re.compile(spec["path"])
    rule = FaultRule(id=rule_id, **spec)
    rule._rng = random.Random(rule.seed)
    return rule


class FaultInjector:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.lock = threading.Lock()
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> FaultRule:
        rule = rule_from(spec, next(self._ids))
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()

    def match(self, method: str, path: str, entity: str | None, realm: str | None):
        with self.lock:
            for rule in self.rules:
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if rule.method and rule.method.upper() != method:
                    continue
                if rule.path and not re.search(rule.path, path):
                    continue
                if rule.entity and rule.entity.lower() != (entity or ""):
                    continue
                if rule.realm_id and rule.realm_id != realm:
                    continue
                rule.seen += 1
                if rule.every and rule.seen % rule.every:
                    continue
                if rule.probability is not None and rule._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None
