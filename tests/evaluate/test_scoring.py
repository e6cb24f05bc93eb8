"""Judge replies are read from their last marker; anything else is unparsable, never a guess."""

import pytest

from factory.engine import ParseError
from factory.evaluate.pairwise import WINNER
from factory.evaluate.scoring import mean_ci, parse_score, rate, score_stats, wilson


@pytest.mark.parametrize(
    "text,score",
    [
        ("Good.\nScore: 5", 5),
        ("A score of 2 would be unfair; a 7 needs more.\n**Score:** 6", 6),
        ("Reasoning.\nScore: 4/7", 4),
        ("分析……\n评分：3", 3),
        ('{"reasoning": "fine", "score": 2}', 2),
        ("Reasoning first.\n\n7", 7),
        ("Score: 3\nOn reflection, Score: 5", 5),
        ("Honestly a lovely voice. I'd give it a 6 out of 7.", 6),  # prose judges without the marker
        ("Solid, maybe 3/7 at first, but on reflection 5/7.", 5),
        ("人物语气很到位，我给5分（满分7分）。", 5),
    ],
)
def test_scores_are_read_from_the_last_marker(text, score):
    assert parse_score(text) == score


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nice answer, I like it.",
        "Score: N/A",
        "Score: 0",
        "Score: 12",
        "Score: 9/10",
        "The answer deserves a high mark.",
    ],
)
def test_unreadable_or_out_of_range_scores_raise(text):
    with pytest.raises(ParseError):
        parse_score(text)


def test_choices_take_the_last_verdict_and_tolerate_decoration():
    assert WINNER("Answer A is vivid but B is right.\nWinner: **B**").value == "B"
    assert WINNER("Winner: A ... no wait. Winner: tie").value == "tie"
    assert WINNER("胜者：平局").value == "tie"
    assert WINNER("Winner: Answer A").value == "A"
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
    assert s["parsed"] == {
        "total": 6,
        "parsed": 3,
        "unparsable": 2,
        "failed": 1,
        "share": 0.5,
        "ci95": s["parsed"]["ci95"],
    }


def test_mean_interval_uses_student_t_for_small_samples():
    m = mean_ci([4, 6])  # sd 1.414, t(1) = 12.706: a very wide interval, not the normal +-1.96
    assert m["mean"] == 5.0 and m["ci95"] == [round(5 - 12.706, 3), round(5 + 12.706, 3)]
    assert mean_ci([5])["ci95"] is None and mean_ci([])["mean"] is None
