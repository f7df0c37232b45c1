"""The bulk linking page's matcher: its character index must suggest exactly what scoring every
pair with difflib suggests (the definition of the suggestion), only faster."""

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from accounting.imports.matching import (
    CLOSE_NAME_MIN_SCORE,
    ItemMatcher,
    item_matcher_for,
    name_key,
)


def _pairwise_suggestion(qbo_items, name):
    """The definition: the exact normalised name, else the best difflib ratio of at least
    CLOSE_NAME_MIN_SCORE over every QuickBooks item, the first one winning ties."""
    exact = ItemMatcher(qbo_items).exact(name)
    if exact is not None:
        return (exact.qbo_id, exact.name, 1.0)
    key = name_key(name)
    best = None
    for qbo_id, candidate in qbo_items:
        candidate_key = name_key(candidate)
        if not key or not candidate_key:
            continue
        score = SequenceMatcher(None, candidate_key, key, autojunk=False).ratio()
        if score >= CLOSE_NAME_MIN_SCORE and (best is None or score > best[2]):
            best = (qbo_id, candidate, score)
    return None if best is None else (best[0], best[1], min(best[2], 0.99))


def _as_tuple(suggestion):
    return None if suggestion is None else (suggestion.qbo_id, suggestion.name, suggestion.score)


def test_close_names_and_ties():
    qbo_items = [
        ("1", "Taille des haies"),
        ("2", "Taille des haies!"),  # the same key as 1: 1 comes first and wins
        ("3", "Tonte de pelouse"),
        ("4", "Déneigement"),
    ]
    matcher = ItemMatcher(qbo_items)
    assert _as_tuple(matcher.suggest("TONTE DE PELOUSE")) == ("3", "Tonte de pelouse", 1.0)
    suggestion = matcher.suggest("Taille de haies")
    assert (suggestion.qbo_id, suggestion.percent, suggestion.is_exact) == ("1", 97, False)
    assert matcher.suggest("Deneigement residentiel") is None  # 0.65 alike: too far
    assert matcher.suggest("Zzz inconnu") is None
    assert matcher.suggest("  ") is None


# Names from a small alphabet, so that close (and equal-scoring) names are frequent.
NAMES = st.text(alphabet="aàbeéEt -1", min_size=0, max_size=14)


@settings(max_examples=300, deadline=None)
@given(
    qbo_names=st.lists(NAMES, min_size=0, max_size=25),
    names=st.lists(NAMES, min_size=1, max_size=8),
)
def test_the_index_suggests_what_scoring_every_pair_suggests(qbo_names, names):
    qbo_items = [(str(n), name) for n, name in enumerate(qbo_names)]
    matcher = ItemMatcher(qbo_items)
    for name in names:
        assert _as_tuple(matcher.suggest(name)) == _pairwise_suggestion(qbo_items, name)


def test_the_matcher_of_the_same_rows_is_built_once():
    rows = (("1", "Tonte"), ("2", "Épandage"))
    first = item_matcher_for(rows)
    assert item_matcher_for((("1", "Tonte"), ("2", "Épandage"))) is first
    renamed = item_matcher_for((("1", "Tonte"), ("2", "Épandage d'engrais")))
    assert renamed is not first
    assert renamed.exact("epandage d engrais").qbo_id == "2"
    assert first.exact("epandage d engrais") is None
