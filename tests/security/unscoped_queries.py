"""The unscoped-query guard: while a request goes through the test client, every SELECT,
UPDATE and DELETE whose main table belongs to a business must say which business (or which
parent row) in its WHERE clause; one that does not fails the test that made the request.

How it works. `tests/conftest.py` wraps `django.test.client.ClientHandler.__call__`, so the
guard is on for the whole of each request made through `client.get()`/`client.post()` (and
only then: a test's own set-up and the Celery tasks it runs are not requests). It installs a
`connection.execute_wrapper` that reads the SQL Django sends:

- the statement's main table is the first table after FROM at the outer level (descending
  into `SELECT COUNT(*) FROM (SELECT …) subquery`), or UPDATE's / DELETE FROM's table;
- the table is business-owned when its model has a `business` foreign key, or a required
  foreign key to such a model (an invoice's lines: scoped by `invoice_id`) — see
  `ownership.py`, which derives this from the models, so a new model is guarded at once;
- the statement is scoped when its WHERE clause names `business_id` or one of those parent
  columns (anywhere in it, subqueries included).

What it lets through, on purpose:
- a service (a `services` module) reading, locking or updating by primary key the rows it
  was handed (`Invoice.objects.select_for_update().get(pk=invoice.pk)`): the view or task
  that found them is the one that scoped them, and it is checked; views, selectors, forms
  and template tags get no such exemption;
- a row reached from a row already in hand: a foreign key followed (`invoice.contact`),
  `prefetch_related`, `refresh_from_db`, an instance's own `save()` and `delete()` (with its
  cascade), model validation (`full_clean` checking a unique constraint): those queries name
  only primary keys, but the first row was itself loaded scoped — the guard sees to that;
- the few places whose job is to cross businesses, listed in ALLOWED with their reason (who
  is signed in: the membership of a user; the webhook endpoint, which belongs to no business
  until a realm is routed).

Its limits: it reads SQL text, not a parsed tree, so a scope column named anywhere in the
WHERE clause counts (a condition on a joined table's `business_id`, or an `OR` with one, would
satisfy it); it sees only what goes through the test client (not the live server of the
browser tests, nor the tasks, which tests/security/test_task_isolation.py covers); and it
proves that a business is named, not that it is the right one — the 404 tests of
tests/core/test_tenancy_isolation.py and the task tests check that.
"""

import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .ownership import owned_models

ROOT = Path(__file__).resolve().parents[2]
PROJECT = str(ROOT)
VENV = str(ROOT / ".venv")
TESTS = str(ROOT / "tests")

# (table, "module.function" of the project code that makes the query): why it is unscoped.
ALLOWED = {
    ("businesses_membership", "businesses.selectors.membership_for_user"): (
        "who is signed in: a user's membership is what decides the business"
    ),
    ("businesses_membership", "businesses.services.business_sign_up_request"): (
        "signing up: whether the address already belongs to a business, wherever"
    ),
    ("businesses_membership", "businesses.team.invitation_accept"): (
        "an invitee already member of a business cannot join another"
    ),
    ("businesses_invitation", "businesses.team.invitation_for_token"): (
        "an invitation is found by its single-use token (only its hash is stored)"
    ),
    ("businesses_invitation", "businesses.team.invitation_accept"): (
        "the same token, locked while it is used"
    ),
    ("accounting_qboauthorizationstate", "accounting.services.connection._consume_state"): (
        "OAuth's state is found by its hash, then checked against the business and session"
    ),
    ("accounting_inbound_inboundevent", "accounting.inbound.services.receive.delivery_receive"): (
        "the webhook endpoint stores events before any business is known (by delivery id)"
    ),
}

# Django code that reaches a row from one already loaded (see the docstring).
_FROM_A_ROW_IN_HAND = {
    ("related_descriptors.py", None),
    ("query.py", "prefetch_related_objects"),
    ("query.py", "prefetch_one_level"),
    ("base.py", "refresh_from_db"),
    ("base.py", "save_base"),
    ("base.py", "delete"),
    ("base.py", "validate_unique"),
    ("base.py", "validate_constraints"),
    ("related.py", "validate"),  # a foreign key's value exists
    ("subqueries.py", "delete_batch"),  # rows a delete has collected, by primary key
    ("subqueries.py", "update_batch"),
}

_MAIN_TABLE = re.compile(r'^\s*(?:UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.IGNORECASE)
_KEYWORD = re.compile(r'\b(FROM|WHERE)\b|[()]|"(\w+)"|\'(?:[^\']|\'\')*\'')


@dataclass
class Unscoped:
    table: str
    sql: str
    where: str  # "module.function:line" of the project code that ran it


@dataclass
class Guard:
    found: list[Unscoped] = field(default_factory=list)
    local: threading.local = field(default_factory=threading.local)

    def __call__(self, execute, sql, params, many, context):
        if not getattr(self.local, "inside", False):
            self.local.inside = True
            try:
                self._inspect(sql)
            finally:
                self.local.inside = False
        return execute(sql, params, many, context)

    def _inspect(self, sql: str) -> None:
        table, where = main_table_and_where(sql)
        owned = owned_models()
        if table not in owned or any(f'"{column}"' in where for column in _scopes(sql)):
            return
        frames = _stack()
        if any(_is_from_a_row_in_hand(frame) for frame in frames):
            return
        caller = _project_caller(frames)
        module = caller.split(":")[0]
        if (table, module) in ALLOWED:
            return
        if ".services." in module and _by_primary_key(table, where):
            return
        self.found.append(Unscoped(table=table, sql=sql, where=caller))


def _scopes(sql: str) -> set[str]:
    """The scope columns of every business-owned table the statement names (a line reached
    through its document, `WHERE "invoicing_creditnote"."invoice_id" = …`, is scoped)."""
    columns = set()
    for table, owned in owned_models().items():
        if f'"{table}"' in sql:
            columns.update(owned.scope_columns)
    return columns


def _by_primary_key(table: str, where: str) -> bool:
    """A service re-reading or locking the rows it was handed, by primary key."""
    return f'"{table}"."id" = %s' in where or f'"{table}"."id" IN (' in where


def main_table_and_where(sql: str) -> tuple[str, str]:
    """(main table, its WHERE clause) of a SELECT, UPDATE or DELETE; ("", "") otherwise."""
    statement = sql.lstrip()
    verb = statement[:6].upper()
    if verb in ("UPDATE", "DELETE"):
        match = _MAIN_TABLE.match(statement)
        if not match:
            return "", ""
        position = statement.upper().find(" WHERE ")
        return match.group(1), statement[position:] if position >= 0 else ""
    if verb != "SELECT":
        return "", ""
    return _select_main_table(statement)


def _select_main_table(sql: str) -> tuple[str, str]:
    depth, after_from, table, descend_at = 0, False, "", None
    for token in _KEYWORD.finditer(sql):
        text = token.group(0)
        if text == "(":
            if after_from and depth == 0 and not table:
                descend_at = token.end()
                break
            depth += 1
        elif text == ")":
            depth -= 1
        elif depth == 0 and text.upper() == "FROM":
            after_from = True
        elif depth == 0 and after_from and not table and token.group(2):
            table = token.group(2)
        elif depth == 0 and text.upper() == "WHERE" and table:
            return table, sql[token.start() :]
    if descend_at is not None:  # SELECT … FROM (SELECT …) subquery
        return _select_main_table(sql[descend_at:])
    return table, ""


def _stack() -> list[tuple[str, str, int, str]]:
    frames, frame = [], sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        frames.append(
            (code.co_filename, code.co_name, frame.f_lineno, frame.f_globals.get("__name__", ""))
        )
        frame = frame.f_back
    return frames


def _is_from_a_row_in_hand(frame) -> bool:
    filename, function, _, module = frame
    if not module.startswith("django.db.models"):
        return False
    name = Path(filename).name
    return (name, None) in _FROM_A_ROW_IN_HAND or (name, function) in _FROM_A_ROW_IN_HAND


def _project_caller(frames) -> str:
    for filename, function, line, module in frames:
        if filename.startswith(PROJECT) and not filename.startswith((VENV, TESTS)):
            return f"{module}.{function}:{line}"
    return "?"


def report(guard: Guard) -> None:
    """At the end of a test: fail on the unscoped queries its requests made."""
    import json
    import os

    target = os.environ.get("PLANNIT_UNSCOPED_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            for found in guard.found:
                out.write(json.dumps(found.__dict__) + "\n")
        return
    problems = [f"{found.where}: {found.table}: {found.sql[:300]}" for found in guard.found]
    assert problems == [], "queries on a business-owned table with no business in WHERE"
