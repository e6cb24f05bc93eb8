"""Judge replies are read from their last marker; anything else is unparsable, never a guess."""

import pytest

from factory.engine import ParseError
from factory.evaluate.pairwise import WINNER
from factory.evaluate.scoring import parse_score, rate, score_stats, wilson


@pytest.mark.parametrize("text,score", [
    ("Good.\nScore: 5", 5),
    ("A score of 2 would be unfair; a 7 needs more.\n**Score:** 6", 6),
    ("Reasoning.\nScore: 4/7", 4),
    ("分析……\n评分：3", 3),
    ('{"reasoning": "fine", "score": 2}', 2),
    ("Reasoning first.\n\n7", 7),
    ("Score: 3\nOn reflection, Score: 5", 5),
])
def test_scores_are_read_from_the_last_marker(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize("text", ["", "Nice answer, I like it.", "Score: N/A", "Score: 0", "Score: 12",
                                  "Score: 9/10", "The answer deserves a high mark."])
def test_unreadable_or_out_of_range_scores_raise(text):
    with pytest.raises(ParseError):
        parse_score(text)


def test_choices_take_the_last_verdict_and_tolerate_decoration():
    assert WINNER("Answer A is vivid but B is right.\nWinner: **B**") == "B"
    assert WINNER("Winner: A ... no wait. Winner: tie") == "tie"
    assert WINNER("胜者：平局") == "tie"
    assert WINNER("Winner: Answer A") == "A"
    with pytest.raises(ParseError):
        WINNER("Both are fine.")
    with pytest.raises(ParseError):
        WINNER("Winner: Anna")  # not an option


def test_wilson_interval_matches_known_values():
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert rate(0, 0)["rate"] is None


def test_score_stats_count_what_was_not_scored():
    s = score_stats([7, 5, 6], unparsable=2, failed=1)
    assert s["mean"] == 6.0 and s["n"] == 3 and s["unparsable"] == 2 and s["failed"] == 1
    assert s["histogram"]["6"] == 1 and s["ci95"][0] < 6 < s["ci95"][1]
    assert score_stats([])["mean"] is None
