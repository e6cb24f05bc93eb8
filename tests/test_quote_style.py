"""Quote style: one folded prompt, one quoted reply cut at its closing quote."""

import pytest

from factory.quote_style import OPENER, clean, cut_reply, fold, reply_prefix


def test_history_folds_into_quoted_lines():
    history = [("user", 'Did you say "never"?'), ("assistant", "I did.\nTwice."), ("user", "Why?")]
    assert fold(history, "Anna Keller", "en") == (
        'Me: "Did you say “never”?"\nAnna Keller: "I did. Twice."\nMe: "Why?"'
    )
    assert fold([("user", "你好")], "安娜", "zh") == '我: "你好"'
    assert fold([], "Anna", "en") == OPENER["en"]
    assert reply_prefix("Anna Keller") == 'Anna Keller: "'
    assert clean('a "b" c "d') == "a “b” c “d"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ('Tired? Never." Me: "more', "Tired? Never."),  # server ignored stop
        ("Tired? Never.", "Tired? Never."),  # server honoured stop
        ('Anna Keller: "Tired? Never." ', "Tired? Never."),  # model wrote its own prefix
        ('He said \\"no\\" to me." tail', 'He said "no" to me.'),  # escaped quotes are not the end
        ("Tired.\nMe: what?", "Tired."),  # no closing quote, but the next speaker starts
        ("", ""),
    ],
)
def test_reply_is_cut_at_the_closing_quote(raw, expected):
    assert cut_reply(raw, "Anna Keller") == expected


def test_an_echoed_prefix_alone_means_the_prefill_was_ignored():
    assert cut_reply("Anna Keller: ", "Anna Keller") is None
    assert cut_reply('Anna Keller："', "Anna Keller", "zh") is None
