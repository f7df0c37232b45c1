"""Every switch of the emulator, in one dataclass. Changeable from Python
(``emulator.settings.access_token_ttl = 60``) or with ``PUT /_emulator/settings``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

REQUESTID_MODES = ("replay", "reject600", "ignore")
WEBHOOK_FORMATS = ("cloudevents", "legacy")
WEBHOOK_DELIVERY = ("auto", "manual", "off")
THROTTLE_BODIES = ("xml", "json")
ROUNDING = ("half_up", "half_even")
PKCE_MODES = ("off", "optional", "required")


@dataclass
class EmulatorSettings:
    # OAuth (reference §1.4)
    access_token_ttl: int = 3600
    # Requests an access token serves before it answers 401 as an expired one (0 = no limit).
    access_token_max_uses: int = 0
    auth_code_ttl: int = 600
    # Intuit reports 8,726,400 s (101 days) for a fresh refresh token; the lifetime rolls on each use.
    refresh_token_ttl: int = 8_726_400
    refresh_token_hard_ttl: int = 157_680_000
    # A refresh returns the same refresh token until it is this old; 0 = a new one on every refresh.
    refresh_rotation_seconds: int = 86_400
    # How long a superseded refresh token keeps working (0 = strict).
    refresh_grace_seconds: int = 86_400
    # PKCE (RFC 7636, S256 only): "off" ignores it and does not advertise it; "optional" checks
    # the verifier when the authorize request carried a challenge; "required" also refuses an
    # authorize request without one.
    pkce: str = "off"
    # Accounting API
    requestid_mode: str = "replay"
    requestid_ttl: int = 86_400
    max_query_results: int = 1000
    default_query_results: int = 100
    batch_max_items: int = 30
    cdc_max_days: int = 30
    cdc_max_objects: int = 1000
    # Limits, per realm and app (reference §9). The window is settable so benchmarks can shrink it.
    requests_per_window: int = 500
    batch_per_window: int = 40
    window_seconds: float = 60.0
    max_in_flight: int = 10
    # Batch calls per company across all apps (Intuit, from 2025-10-31; reference §15).
    batch_per_window_per_company: int = 120
    # Sandbox companies: at most this many requests per second per company, all apps together
    # (Intuit, from 2025-09-15).
    sandbox: bool = False
    sandbox_requests_per_second: int = 10
    # Metered ("CorePlus") reads and queries per app per calendar month (UTC); 0 = no cap.
    # Past the cap reads answer 429 until the month ends; writes still work (reference §15).
    metered_monthly_cap: int = 0
    throttle_body: str = "xml"  # reference §9 documents XML; "json" gives a JSON Fault code 3001
    throttle_retry_after: bool = False  # Retry-After on 429 is unconfirmed at Intuit
    # Business rules that the reference leaves open (§13)
    rounding: str = "half_up"
    deactivate_renames: bool = False  # append " (deleted)" to a deactivated customer's name
    # Webhooks (reference §7)
    webhook_format: str = "cloudevents"
    webhook_delay_seconds: float = 2.0
    webhook_timeout_seconds: float = 3.0
    webhook_delivery: str = "auto"
    webhook_retry_schedule: list = field(
        default_factory=lambda: [10, 20, 30, 300, 1200, 7200, 14400, 21600]
    )
    webhook_give_up_after_seconds: int = 3 * 86_400
    webhook_max_events_per_delivery: int = 100
    # Misc
    hang_seconds: float = 130.0
    request_log_size: int = 10_000

    def update(self, values: dict[str, Any]) -> None:
        """Validate every value first, then apply them all (no half-applied change)."""
        known = {f.name: f for f in dataclasses.fields(self)}
        staged = {}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}")
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(current, (int, float)):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{name} must be a number >= 0")
                value = type(current)(value) if isinstance(current, float) else value
            elif isinstance(current, str):
                choices = {
                    "requestid_mode": REQUESTID_MODES,
                    "webhook_format": WEBHOOK_FORMATS,
                    "webhook_delivery": WEBHOOK_DELIVERY,
                    "throttle_body": THROTTLE_BODIES,
                    "rounding": ROUNDING,
                    "pkce": PKCE_MODES,
                }.get(name)
                if choices and value not in choices:
                    raise ValueError(f"{name} must be one of {', '.join(choices)}")
            elif isinstance(current, list):
                if not isinstance(value, list) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
                ):
                    raise ValueError(f"{name} must be a list of numbers")
            staged[name] = value
        for name, value in staged.items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
