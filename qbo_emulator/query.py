"""The QBO query language (reference §4): SELECT * | count(*) | *, Sku FROM <Entity>
[WHERE p op v [AND ...]] [ORDER BY|ORDERBY p [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import ApiFault
from .queryable import COMMON, HAS_ACTIVE, QUERYABLE
from .util import parse_instant

_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<string>'(?:\\.|[^'\\])*')
     |(?P<number>-?\d+(?:\.\d+)?)(?![\w.])
     |(?P<op><=|>=|!=|<>|=|<|>)
     |(?P<punct>[(),*])
     |(?P<word>[A-Za-z_][\w.]*)
    )""",
    re.VERBOSE,
)

_TIME_PROPS = {"MetaData.CreateTime", "MetaData.LastUpdatedTime"}


@dataclass
class Query:
    entity: str
    count: bool = False
    conditions: list = field(default_factory=list)  # (prop, op, value or list)
    order: list = field(default_factory=list)  # (prop, descending)
    start: int = 1
    max_results: int | None = None


def _parse_error(detail: str) -> ApiFault:
    return ApiFault("4000", f"QueryParserError: {detail}")


def _tokens(text: str):
    pos, out = 0, []
    text = text.rstrip().rstrip(";")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise _parse_error(
                f'Encountered "{text[pos : pos + 10].strip()}" at line 1, column {pos + 1}.'
            )
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value, match.start(kind) + 1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, canonical: dict[str, str]) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.canonical = canonical

    def peek(self, offset=0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None, 0)

    def next(self):
        token = self.peek()
        if token[0] is None:
            raise _parse_error('Encountered "<EOF>" at line 1.')
        self.i += 1
        return token

    def keyword(self, *words) -> bool:
        kind, value, _ = self.peek()
        if kind == "word" and value.lower() in words:
            self.i += 1
            return True
        return False

    def expect(self, *words):
        if not self.keyword(*words):
            kind, value, col = self.peek()
            found = "<EOF>" if kind is None else value
            raise _parse_error(
                f'Encountered " {found} "" at line 1, column {col}. Was expecting '
                f"one of: {', '.join(repr(w) for w in words)}"
            )

    def parse(self) -> Query:
        self.expect("select")
        count = False
        if self.keyword("count"):
            for expected in ("(", "*", ")"):
                kind, value, col = self.next()
                if value != expected:
                    raise _parse_error(f'Encountered "{value}" at line 1, column {col}.')
            count = True
        else:
            kind, value, col = self.next()
            if value != "*" and kind != "word":
                raise _parse_error(f'Encountered "{value}" at line 1, column {col}.')
            while self.peek()[1] == ",":
                self.next()
                kind, value, col = self.next()
                if kind != "word":
                    raise _parse_error(f'Encountered "{value}" at line 1, column {col}.')
        self.expect("from")
        kind, value, col = self.next()
        entity = self.canonical.get(str(value).lower()) if kind == "word" else None
        if entity is None:
            raise _parse_error(f"Invalid entity: {value} at line 1, column {col}.")
        query = Query(entity, count)
        if self.keyword("where"):
            query.conditions.append(self.condition())
            while self.keyword("and"):
                query.conditions.append(self.condition())
        if self.keyword("orderby") or (self.keyword("order") and self._by()):
            query.order.append(self.order_item())
            while self.peek()[1] == ",":
                self.next()
                query.order.append(self.order_item())
        while self.peek()[0] is not None:
            if self.keyword("startposition"):
                query.start = self.integer("STARTPOSITION")
            elif self.keyword("maxresults"):
                query.max_results = self.integer("MAXRESULTS")
            else:
                kind, value, col = self.next()
                raise _parse_error(
                    f'Encountered " "{value}" "" at line 1, column {col}. Was '
                    f'expecting one of: "maxresults" ... "order" ... "orderby" ... '
                    f'"startposition" ...'
                )
        return query

    def _by(self) -> bool:
        self.expect("by")
        return True

    def integer(self, name: str) -> int:
        kind, value, col = self.next()
        if kind != "number" or "." in value:
            raise _parse_error(
                f'Encountered "{value}" at line 1, column {col}. {name} needs an integer.'
            )
        return int(value)

    def order_item(self):
        kind, value, col = self.next()
        if kind != "word":
            raise _parse_error(f'Encountered "{value}" at line 1, column {col}.')
        descending = False
        if self.keyword("desc"):
            descending = True
        else:
            self.keyword("asc")
        return value, descending

    def value(self):
        kind, value, col = self.next()
        if kind == "string":
            return value
        if kind == "number":
            return Decimal(value)
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _parse_error(f'Encountered "{value}" at line 1, column {col}. Was expecting a value.')

    def condition(self):
        kind, prop, col = self.next()
        if kind != "word":
            raise _parse_error(f'Encountered "{prop}" at line 1, column {col}.')
        if self.keyword("in"):
            if self.next()[1] != "(":
                raise _parse_error("Expected ( after IN.")
            values = [self.value()]
            while self.peek()[1] == ",":
                self.next()
                values.append(self.value())
            if self.next()[1] != ")":
                raise _parse_error("Expected ) after the IN list.")
            return prop, "in", values
        if self.keyword("like"):
            value = self.value()
            if not isinstance(value, str):
                raise _parse_error("LIKE needs a quoted string.")
            return prop, "like", value
        kind, op, col = self.next()
        if kind != "op":
            raise _parse_error(
                f'Encountered "{op}" at line 1, column {col}. Was expecting an operator.'
            )
        return prop, "!=" if op == "<>" else op, self.value()


def parse(text: str) -> Query:
    return _Parser(text, {name.lower(): name for name in QUERYABLE}).parse()


def validate(query: Query, max_results: int) -> None:
    allowed = COMMON | QUERYABLE[query.entity]
    for prop in [c[0] for c in query.conditions] + [o[0] for o in query.order]:
        if prop not in allowed:
            raise ApiFault(
                "4001", f"QueryValidationError: property '{prop}' is not queryable", element=prop
            )
    if query.start < 1:
        raise ApiFault(
            "4001",
            f"QueryValidationError: value {query.start} is too small. Min allowed value is 1",
        )
    if query.max_results is not None and query.max_results > max_results:
        raise ApiFault(
            "4001",
            f"QueryValidationError: value {query.max_results} is too large. "
            f"Max allowed value is {max_results}",
        )
    if query.max_results is not None and query.max_results < 1:
        raise ApiFault(
            "4001",
            f"QueryValidationError: value {query.max_results} is too small. Min allowed value is 1",
        )


def _lookup(record: dict, prop: str):
    value = record
    for part in prop.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, dict):
        if "value" in value:
            return value["value"]
        if "Address" in value:
            return value["Address"]
    return value


def _as_number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _comparable(prop: str, actual, operand, tz: str):
    """Both sides in one comparable form: booleans, numbers, instants or case-folded text
    (value case sensitivity is unconfirmed, reference §4: compare case-insensitively)."""
    if isinstance(actual, bool) or isinstance(operand, bool):
        if isinstance(operand, str):
            operand = operand.lower() == "true"
        return actual, operand
    if isinstance(actual, (int, float)) or isinstance(operand, Decimal):
        a, b = _as_number(actual), _as_number(operand)
        if a is not None and b is not None:
            return a, b
    if (prop == "Id" or prop.endswith("Ref")) and str(actual).isdigit() and str(operand).isdigit():
        return int(actual), int(operand)  # ids are numbers (reference §4: numeric order on Id)
    if prop in _TIME_PROPS:
        try:
            return parse_instant(str(actual), tz), parse_instant(str(operand), tz)
        except ValueError:
            pass
    return str(actual).casefold(), str(operand).casefold()


def _matches(record: dict, condition, tz: str) -> bool:
    prop, op, operand = condition
    actual = _lookup(record, prop)
    if actual is None:
        return False
    if op == "in":
        return any(a == b for a, b in (_comparable(prop, actual, v, tz) for v in operand))
    if op == "like":
        pattern = "^" + ".*".join(re.escape(p.casefold()) for p in operand.split("%")) + "$"
        return re.match(pattern, str(actual).casefold(), re.DOTALL) is not None
    a, b = _comparable(prop, actual, operand, tz)
    try:
        return {"=": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    except TypeError:
        return False


def _sort_key(record: dict, prop: str):
    value = _lookup(record, prop)
    if value is None:
        return (2, "")
    if isinstance(value, (int, float, bool)):
        return (0, Decimal(str(value)) if not isinstance(value, bool) else Decimal(int(value)))
    text = str(value)
    if text.isdigit():
        return (0, Decimal(text))
    return (1, text.casefold())


def _id_key(record: dict):
    text = record.get("Id", "")
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def run(query: Query, table: dict[str, dict], tz: str, default_results: int) -> dict:
    records = list(table.values())
    if query.entity in HAS_ACTIVE and not any(c[0] == "Active" for c in query.conditions):
        records = [r for r in records if r.get("Active", True) is not False]
    for condition in query.conditions:
        records = [r for r in records if _matches(r, condition, tz)]
    if query.count:
        return {"totalCount": len(records)}
    records.sort(key=_id_key)
    for prop, descending in reversed(query.order):
        records.sort(key=lambda r, p=prop: _sort_key(r, p), reverse=descending)
    size = query.max_results or default_results
    page = records[query.start - 1 : query.start - 1 + size]
    if not page:
        return {}
    return {query.entity: page, "startPosition": query.start, "maxResults": len(page)}
