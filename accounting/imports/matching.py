"""Pure functions that decide whether two names, emails or phones are the same, and which
QuickBooks item best matches a catalog item. No ORM."""

import functools
import re
import unicodedata
from collections import Counter, defaultdict
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
    the closest name scoring at least CLOSE_NAME_MIN_SCORE (difflib's ratio); between equal
    scores, the first QuickBooks item given wins.

    Built once per list of QuickBooks items, it answers each name without scoring every
    pair: an index of the characters of every candidate gives, for each candidate at once,
    the size of the multiset of characters it shares with the name. That is exactly what
    difflib's quick_ratio() computes, an upper bound of ratio(), so the candidates it rules
    out are the ones the pairwise loop ruled out; only the others are scored."""

    def __init__(self, qbo_items: Iterable[tuple[str, str]]):
        self._exact: dict[str, tuple[str, str]] = {}
        self._candidates: list[tuple[str, str, str]] = []
        self._lengths: list[int] = []
        # (character, n) -> positions of the candidates holding that character n times or more
        self._holders: dict[tuple[str, int], list[int]] = defaultdict(list)
        for qbo_id, name in qbo_items:
            key = name_key(name)
            if not key:
                continue
            self._exact.setdefault(key.replace(" ", ""), (qbo_id, name))
            position = len(self._candidates)
            self._candidates.append((key, qbo_id, name))
            self._lengths.append(len(key))
            for pair in _character_pairs(key):
                self._holders[pair].append(position)

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
        shared: Counter[int] = Counter()
        for pair in _character_pairs(key):
            shared.update(self._holders.get(pair, ()))
        length = len(key)
        lengths = self._lengths
        # quick_ratio() is 2 * shared / (both lengths); it passes when 8 * shared >= 3 * (both
        # lengths), in integers. The best bounds are scored first, and the scoring stops once
        # no bound left can reach the best score (nor tie it: the first position wins ties).
        bounded = sorted(
            (-2.0 * count / (lengths[position] + length), position)
            for position, count in shared.items()
            if 8 * count >= 3 * (lengths[position] + length)
        )
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        best_score, best_position = 0.0, -1
        for negative_bound, position in bounded:
            if -negative_bound < best_score:
                break
            matcher.set_seq1(self._candidates[position][0])
            score = matcher.ratio()
            if score < CLOSE_NAME_MIN_SCORE:
                continue
            if score > best_score or (score == best_score and position < best_position):
                best_score, best_position = score, position
        if best_position < 0:
            return None
        _key, qbo_id, candidate_name = self._candidates[best_position]
        return Suggestion(qbo_id, candidate_name, min(best_score, 0.99))


@functools.lru_cache(maxsize=8)
def item_matcher_for(qbo_items: tuple[tuple[str, str], ...]) -> ItemMatcher:
    """The matcher of these (qbo_id, name) rows, built once per process for the same rows: the
    pages of the bulk linking page, and each of their requests, share it. Keyed by the rows
    themselves, so a refreshed list (or another company's) gets its own."""
    return ItemMatcher(qbo_items)


def _character_pairs(key: str) -> list[tuple[str, int]]:
    """ "tonte" gives (t, 1), (t, 2), (o, 1), (n, 1), (e, 1): one pair per character of the
    key, so that two keys share as many pairs as their multisets of characters share."""
    return [(ch, n) for ch, count in Counter(key).items() for n in range(1, count + 1)]
