"""Round 22, English: a reply framed as a role being played by the words around the role, not by its
name (role_meta_en.py): the role kept as a role, the story it sits in, "character" after a described
role, the words as what a described person would answer, a voice taken on, a script label naming the
speaker's voice; and an era named by its historians' adjective in a casting description
(role_described_en.py). Lines written for these tests, with hard negatives for each frame."""

import pytest

from .lines import ALL, FAMILY, line_rules

NAME, ALIASES = "Hattie Brennan", ("Hattie", "Miss Brennan")


def rules(line: str) -> set[str]:
    return line_rules(line, NAME, "en", ALIASES)


FRAMED = [
    # the role kept or taken on as a role, after an in-character opening too
    "Staying in my role as a lighthouse keeper, I'll say the lamp comes first.",
    "The tide's turning. Keeping in my role as the old ferrywoman, I advise you to wait for dawn.",
    "Playing the part of a grumpy innkeeper here, I'd tell you the rooms are all taken.",
    "Mind the step. Now, taking on the role of a Scottish fishwife, let me haggle over your herring.",
    "In my role as the sulky stable girl, I'd now roll my eyes at your horse.",
    # the role set in the story, or called a character
    "Ahoy there. As the pirate queen in this story, I'll respond with a cold stare.",
    "Now, as the village baker character, I would go on to describe my ovens.",
    "Down the hatch! — is what I, as the drunken bosun in this scene, would bellow.",
    # the words as what a described person would answer; a voice taken on
    "I'll reply as your Welsh auntie would. Eat up, bach, you're wasting away.",
    "In the voice of a Brooklyn taxi driver, I might say the traffic is murder.",
    "Alright, in the voice of a weary schoolmistress: sit down, all of you.",
    # the speaker's character by an appositive; a label presenting the next words
    "My character, Hattie, would probably slam the door on you.",
    "Okay, here's Captain Fluffernut speaking: Ahoy, little sailors!",
    "Get out of my kitchen! (That's how a cook in my role might answer.)",
    # script labels naming the character as the voice
    "[Hattie Brennan voice] Welcome back to the show, folks!",
    "The bread's burnt again. (Hattie, the harried baker, speaking) Don't tell my mother.",
    "(in Miss Brennan's stern voice) Hands off the jam.",
    "Hattie's response: Not today, love.",
    # an era named from outside it
    "Speaking as a medieval alewife, I would say the barley was poor this year.",
    "As an Edwardian parlourmaid, I think the silver needs polishing.",
]

KEPT = [
    # a role in the scene's own life: a part in a play, an office held, a story told
    "I kept in my role as treasurer for six years and never lost a penny.",
    "In my role as magistrate, I sentence you to a week in the stocks.",
    "Playing the part of a dutiful wife, I smiled at his friends all evening.",
    "As the eldest in this family, I say we sell the cow.",
    "You'd be a fine character in a story, you would.",
    "You question my character, sir? I have never cheated a soul.",
    "My character is my own affair, Mr Price.",
    # answering as someone would, with no described role; a voice of the scene
    "I'll answer as any honest woman would: no.",
    "She sang in the voice of an angel, and the whole chapel wept.",
    "(in a low voice) They're listening at the door.",
    "(lowering my voice) The master's coming.",
    "Here's the thing: nobody talks to the constable.",
    "My mother's answer: a clip round the ear.",
    # the office named in plain words, an era named by someone living in it
    "As a baker, I'd say the oven's too hot.",
    "As a medical woman, I would say she died of fright.",
    "Here's Tom talking nonsense again, don't listen to him.",
]


@pytest.mark.parametrize("line", FRAMED)
def test_performance_frame_caught(line: str) -> None:
    assert rules(line) & FAMILY["role"]


@pytest.mark.parametrize("line", KEPT)
def test_role_in_scene_kept(line: str) -> None:
    assert not rules(line) & ALL


# The assistant's opener read at a sentence start inside the line (exchange.py), and an assent followed
# by an offer to produce text or by a text presented with the user's expected liking
OPENER_INSIDE = [
    "The kettle's whistling. Certainly! Here's a brief overview of how tea reached Ireland.",
    "Drop anchor, lads. What a fascinating question! Let me break down how tides work.",
    "Mind the mud. Absolutely! I'd be happy to brainstorm names for your pirate ship.",
    "Engines are cold. Sure thing! Here is a short poem about the sea you might enjoy.",
    "Of course! I would be delighted to continue the story wherever you like.",
]

OPENER_IN_SCENE = [
    # an assent to someone in the scene, a thing of the scene handed over, help with a chore
    "You want the last biscuit? Of course! Here's the tin, take two.",
    "The mare's lame. Certainly, Doctor. Here is the stable.",
    "Trunk's heavy. Of course! I'd be glad to help you carry it up.",
    "Rain again. Sure! Here's an umbrella you might need, it was my father's.",
    "Good lord. What a question to ask a lady at supper!",
]


@pytest.mark.parametrize("line", OPENER_INSIDE)
def test_opener_inside_caught(line: str) -> None:
    assert rules(line) & FAMILY["assistant"]


@pytest.mark.parametrize("line", OPENER_IN_SCENE)
def test_opener_in_scene_kept(line: str) -> None:
    assert not rules(line) & ALL


# Speech in the present, then a bare he / she with a chain of past actions (speech_then_past_en.py)
SPEECH_THEN_PAST = [
    "Boots off at the door. She hung up her shawl, lit the lamp and settled into the rocker.",
    "Reckon the creek's rising. He tipped his hat back, squinted at the clouds, and walked to the barn.",
    "Tickets, please. He punched the card, handed it back and moved down the aisle.",
]

STORY_OF_SOMEONE = [
    # someone named or pointed at first, the speaker's own past, a person in the narrated sentence
    "Don't trust Tom. He lied to the sheriff, stole a horse and rode off.",
    "Never liked him. He drank, gambled and beat the dog.",
    "I was there that night. He opened the door, looked round and left.",
    "Sit down, love. She cooked for you, cleaned for you and asked for nothing.",
    "Mind the ice. She slipped here last winter.",
]


@pytest.mark.parametrize("line", SPEECH_THEN_PAST)
def test_speech_then_past_caught(line: str) -> None:
    assert "selfname.narrator" in line_rules(line, NAME, "en", ALIASES)


@pytest.mark.parametrize("line", STORY_OF_SOMEONE)
def test_story_of_someone_kept(line: str) -> None:
    assert "selfname.narrator" not in line_rules(line, NAME, "en", ALIASES)


# A short sentence in Chinese after an English one (foreign_sentence.py: six signs make a sentence)
def _wrong_language(line: str) -> bool:
    from factory.quality.config import FormatConfig
    from factory.quality.formatting import check_line

    return any(f.rule == "format.wrong_language" for f in check_line(line, "en", [NAME], FormatConfig()))


@pytest.mark.parametrize("line", ["Your table is ready. 这边请，慢慢吃。", "Tea's poured. 小心，茶很烫的。"])
def test_short_chinese_sentence_caught(line: str) -> None:
    assert _wrong_language(line)


@pytest.mark.parametrize(
    "line",
    [
        "My old master, 王师傅, taught me this knot.",
        "Grandma always said 塞翁失马. Every loss hides a gift.",
        "They called the shop 福满楼. Best dumplings in the valley.",
    ],
)
def test_chinese_name_or_idiom_kept(line: str) -> None:
    assert not _wrong_language(line)
