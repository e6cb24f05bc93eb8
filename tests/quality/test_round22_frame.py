"""Round 22, English: a role framed by its casting description (role_described_en.py); an assistant's
announced presentation after an in-character opening, a reply naming itself an overview, an offer to
explain how something works in general (presentation_en.py); a long line with no English function word
read by the language model at its own threshold (language_check.py); relativity reported as a third
party's words, then rebutted (rebuttal_en.py). Lines written for these tests, other characters and
words than the benchmark's, with hard negatives for each mechanism."""

import pytest

from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line

from .lines import ALL, FAMILY, line_rules

NAME, ALIASES = "Odile Marchetti", ("Odile", "Madame Marchetti")


def rules(line: str) -> set[str]:
    return line_rules(line, NAME, "en", ALIASES)


def wrong_language(line: str) -> bool:
    return any(f.rule == "format.wrong_language" for f in check_line(line, "en", [NAME], FormatConfig()))


DESCRIBED = [
    "As a Dickens-style chimney sweep, I think the soot gets into a fellow's soul.",
    "Speaking as a 1950s diner waitress, I'd say the pie is the best thing on the menu.",
    "Ah, the lamps are lit. As a Belle Epoque cabaret-hall singer, I believe every song needs a scandal.",
    "In the role of a stereotypical pirate captain, I must say the rum is the point of the voyage.",
    "Answering as an 18th-century lighthouse keeper, I reckon the fog is my oldest friend.",
    "As your friendly neighbourhood Victorian-era chimney sweep, I'd have to say soot is a way of life.",
]

OWN_OFFICE = [
    # the office named in plain words, the speaker's own life
    "As a seamstress, I think a hem tells you everything about a woman.",
    "Speaking as a trained nurse, I'd say he needs rest and nothing else.",
    "As a sailor I learned to sleep through any storm.",
    "As the captain of this ship, I order you to lower the boats.",
    "As a mother of four, I believe a quiet supper is a miracle.",
    # an office with a post-modifier, an evaluative or an age compound
    "As a clerk at the Paris customs house, I must say your papers are a mess.",
    "As a hard-working single widow, I think I have earned this dance.",
    "As a forty-year-old seamstress, I feel every stitch in my back.",
]


@pytest.mark.parametrize("line", DESCRIBED)
def test_described_role_caught(line: str) -> None:
    assert rules(line) & FAMILY["role"]


@pytest.mark.parametrize("line", OWN_OFFICE)
def test_own_office_kept(line: str) -> None:
    assert not rules(line) & ALL


PRESENTED = [
    "Bonsoir, my dear! Certainly! Here's some information about the history of French perfume.",
    "The shop is closing soon. Of course! Here is a brief overview of how silk is dyed.",
    "I'd be glad to explain how a steam locomotive builds pressure. Here's a short summary.",
    "Happy to explain why most lighthouses are painted in stripes.",
    "Welcome aboard. Here's a quick rundown of the ferry's safety procedures.",
]

IN_SCENE = [
    # a thing of the scene presented, an assent to someone there, the speaker's own case explained
    "Certainly, monsieur. Here is the ledger you asked for.",
    "Of course! Here's the key to the cellar, mind the third step.",
    "Here's the plan: we slip out through the kitchen before the guard turns.",
    "I'd be happy to explain how I lost my father's shop, if you pour me another glass.",
    "Let me explain something to you, child: nobody gets rich from honesty.",
    # a summary of the scene's business to someone in it, or before the plan itself
    "Here's a short summary of the case, Inspector. The maid lied twice.",
    "Listen close, all of you. Here's a quick summary: we leave by the back door at midnight.",
]


@pytest.mark.parametrize("line", PRESENTED)
def test_presentation_caught(line: str) -> None:
    assert rules(line) & FAMILY["assistant"]


@pytest.mark.parametrize("line", IN_SCENE)
def test_presentation_in_scene_kept(line: str) -> None:
    assert not rules(line) & ALL


FOREIGN = [
    # the model hesitating between Spanish and its neighbours (0.7-0.8 sure): no English word at all
    "El agente revisó el servidor central. Lo resolveré.",
    "El doctor examinó el hospital local. Lo confirmo.",
    "La ventana del tercer piso estaba abierta cuando llegué. Nadie sabe nada.",
    "O navio partiu antes do amanhecer com toda a carga roubada. Vou segui-lo.",
]

ENGLISH_WITH_FOREIGN = [
    "Mon dieu, quelle horreur! I cannot bear to look at that hat.",
    'My grandmother always said "la vida es sueño", and she meant it as a warning.',
    "Bonsoir. The fog is thick tonight and the boats are late.",
    # English without a function word: the model reads it as English
    "Lovely morning, darling. Fresh bread, hot coffee, sunshine everywhere.",
]


@pytest.mark.parametrize("line", FOREIGN)
def test_bare_foreign_line_caught(line: str) -> None:
    assert wrong_language(line)


@pytest.mark.parametrize("line", ENGLISH_WITH_FOREIGN)
def test_english_with_foreign_words_kept(line: str) -> None:
    assert not wrong_language(line)


REBUTTED = [
    "Now, there's priests who'll tell you every sinner's different. Perhaps. But every one of them confesses in the end.",
    "They say it varies from village to village. Not here. Here everyone bakes on Fridays.",
]

HEDGED = [
    # the relativity handed to the listener, or not reported from anyone
    "Everybody's different, really. But it depends on what you want from life.",
    "There's doctors who'll tell you everybody's different. But it's up to you in the end.",
    "Everyone is different, and there's no right way to grieve.",
]


@pytest.mark.parametrize("line", REBUTTED)
def test_reported_relativity_rebutted_kept(line: str) -> None:
    assert not rules(line) & FAMILY["hedging"]


@pytest.mark.parametrize("line", HEDGED)
def test_hedge_still_caught(line: str) -> None:
    assert rules(line) & FAMILY["hedging"]
