"""Pure functions that decide whether two names, emails or phones are the same, and which
QuickBooks item best matches a catalog item. No ORM."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.translation import gettext_noop

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)

# Why a QuickBooks customer waits on the review list. A review stores the sentence in the
# language the import ran in; the list page shows it again in the reader's language
# (selectors.contact_review_reason), so each sentence is written once, here.
REASON_SEVERAL = gettext_noop("Several existing contacts look like this customer.")
REASON_CLAIMED = gettext_noop(
    "It looks like a contact already linked to another QuickBooks customer."
)
REASON_CONFLICT = gettext_noop("Same name, but a different email or phone.")
REASON_PHONE_ONLY = gettext_noop("Only the phone number is the same.")
REVIEW_REASONS = (REASON_SEVERAL, REASON_CLAIMED, REASON_CONFLICT, REASON_PHONE_ONLY)
CLOSE_NAME_MIN_SCORE = 0.75


def name_key(text: str) -> str:
    """Case and accents folded, punctuation turned into spaces, spaces folded:
    "Éric  O'Brien-Tremblay" gives "eric o brien tremblay". Words stay apart so that
    close-name scores still see them; name_match_key drops the spaces too."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_ALNUM.sub(" ", text).split())


def name_match_key(text: str) -> str:
    """name_key without spaces: "Dubé & Fils" and "dube fils" meet, "O'Brien" and "OBrien"
    too."""
    return name_key(text).replace(" ", "")


def email_key(email: str) -> str:
    return str(email or "").strip().casefold()


def phone_key(phone: str) -> str:
    """The last ten digits: "+1 (514) 555-0101" and "514.555.0101" meet; fewer than seven
    digits is too little to match on."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())[-10:]
    return digits if len(digits) >= 7 else ""


@dataclass(frozen=True)
class Suggestion:
    qbo_id: str
    name: str
    score: float  # 1.0 for an exact (normalised) name

    @property
    def is_exact(self) -> bool:
        return self.score >= 1.0

    @property
    def percent(self) -> int:
        return int(round(self.score * 100))


class ItemMatcher:
    """Suggests the QuickBooks item for a catalog item: the same normalised name first, else
    the closest name scoring at least CLOSE_NAME_MIN_SCORE (difflib's ratio)."""

    def __init__(self, qbo_items: Iterable[tuple[str, str]]):
        self._exact: dict[str, tuple[str, str]] = {}
        self._candidates: list[tuple[str, str, str]] = []
        for qbo_id, name in qbo_items:
            key = name_key(name)
            if not key:
                continue
            self._exact.setdefault(key.replace(" ", ""), (qbo_id, name))
            self._candidates.append((key, qbo_id, name))

    def exact(self, name: str) -> Suggestion | None:
        found = self._exact.get(name_match_key(name))
        return Suggestion(found[0], found[1], 1.0) if found else None

    def suggest(self, name: str) -> Suggestion | None:
        exact = self.exact(name)
        if exact is not None:
            return exact
        key = name_key(name)
        if not key:
            return None
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        best: Suggestion | None = None
        for candidate_key, qbo_id, candidate_name in self._candidates:
            matcher.set_seq1(candidate_key)
            # The cheap upper bounds first: most candidates stop here.
            if matcher.real_quick_ratio() < CLOSE_NAME_MIN_SCORE:
                continue
            if matcher.quick_ratio() < CLOSE_NAME_MIN_SCORE:
                continue
            score = matcher.ratio()
            if score >= CLOSE_NAME_MIN_SCORE and (best is None or score > best.score):
                best = Suggestion(qbo_id, candidate_name, min(score, 0.99))
        return best
