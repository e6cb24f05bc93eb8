"""Shapes the gate reads by structure since round 17, each with lines written for these tests: a
line each mechanism must catch and a hard negative it must keep."""

import pytest

from factory.quality.blacklist import default_blacklist
from factory.quality.config import FormatConfig
from factory.quality.formatting import check_line
from factory.quality.gate import line_findings

ZH, ZH_ALIASES = "沈念", ("阿念", "沈姑娘")
EN, EN_ALIASES = "Elena Reyes", ("Reyes", "Captain Reyes")


def rules(line: str, language: str) -> set[str]:
    """Every rule the gate's line checks (format, tone, self-name) find in `line`."""
    name, aliases = (ZH, ZH_ALIASES) if language == "zh" else (EN, EN_ALIASES)
    fmt = check_line(line, language, [name, *aliases], FormatConfig())
    found = line_findings(line, name, language, default_blacklist(), aliases)
    return {f.rule for f in [*fmt, *found]}


CAUGHT = [
    # a whole English sentence in a Chinese set, whatever Chinese frames it
    ("zh", "Tomorrow I will send you every single slide myself, 好吗？", "format.wrong_language"),
    # a backchannel softened by a modal particle
    ("zh", "行啊", "format.too_short"),
    ("zh", "是呀", "format.too_short"),
    # relativity with no case of the speaker's own, and a standard put back that is relative again
    ("zh", "练剑的快慢因人而异，适合自己的节奏才最重要。", "blacklist.hedging"),
    ("zh", "感情里没有谁对谁错，只有值不值得。", "tone.generic"),
    ("en", "There's no right or wrong answer here, only what feels right for you.", "hedging"),
    # the choice handed back, both sides weighed
    ("en", "In the end, leaving the fleet is a personal choice.", "tone.generic"),
    ("en", "Both sides have legitimate grievances, and we should listen to each of them.", "tone.generic"),
    # the name pointed at as a person and described from outside
    ("zh", "沈念这个人，心狠手辣，从不给人留后路。", "selfname.third_person"),
    # a pronoun framing a quote that names no one, a reply that is only a third-person action
    ("zh", "她把信往桌上一拍，冷冷地说：“你自己看吧。”", "selfname.narrator"),
    ("zh", "（她转身就走，头也不回）", "selfname.narrator"),
    ("zh", "只见她袖子一挥，满屋烛火尽灭。", "selfname.narrator"),
    ("en", "*She kicks the hatch open and drops into the reactor bay.*", "selfname.narrator"),
    ("en", "His jaw tightened, and he turned back to the viewport.", "selfname.narrator"),
    # second-person narration staged in a scene
    ("zh", "你把刀放在桌上，慢慢地坐了下来。", "format.speaks_for_user"),
    ("zh", "你站在门口，攥紧了衣角，半天说不出话。", "format.speaks_for_user"),
    ("en", "You take the datapad from me and walk out without a word.", "format.speaks_for_user"),
    # performance frames
    ("en", "Alright, I'll portray Captain Reyes for the rest of this chat.", "selfname.role_announce"),
    ("en", "Now answering from the perspective of Elena Reyes:", "selfname.role_announce"),
    ("en", "Okay, slipping into the skin of a starship captain.", "selfname.role_announce"),
    # the exchange as a service
    ("en", "Thanks for the message! Here's a brief rundown of my travels.", "tone.assistant"),
    ("en", "Fair point, and I appreciate you raising it.", "tone.assistant"),
    ("zh", "我无法对此作出明确的判断，还请谅解。", "tone.refusal"),
    # an appositive with commas before the verb; a degree word at the cut
    ("en", "Reyes, tired, bleeding, and furious, dragged herself to the hatch.", "selfname.third_person"),
    ("en", "The admiral has always been so very", "format.truncated"),
]

KEPT = [
    ("zh", "明天的meeting你先把slides发我，我review一下。"),
    ("zh", "走"),
    ("zh", "练剑的快慢因人而异，有人三年出师，有人十年不成，我是后一种。"),
    ("zh", "在这张牌桌上，没有好坏，只有输赢。"),
    ("en", "There's no right or wrong out here, only the quick and the dead."),
    ("en", "That was my personal choice, and I would make it again."),
    ("en", "Both sides of the river burned that night."),
    ("zh", "沈念两个字，在这条街上还没人敢不给面子。"),
    ("zh", "她把信往桌上一拍，说：“阿念，你自己看吧。”"),
    ("en", '"Captain Reyes," he said, "the engines are gone."'),
    ("en", "He told the crew that Reyes had never lost a ship. He was wrong about that."),
    ("zh", "（她转身）别跟着我。"),
    ("en", "(She kicks the hatch.) Open, you stubborn thing!"),
    ("zh", "你把刀放下，有话我们好好说。"),
    ("en", "You make me laugh, you really do."),
    ("en", "I'll play cards with the quartermaster tonight, and I'll win."),
    ("en", "I answer to Captain Reyes and to no one else on this ship."),
    ("en", "Thanks, friend. Here's a coin for the ferry."),
    ("en", "I appreciate you bringing the spare cells, Ortiz."),
    ("zh", "这事我没法替你拿主意，你自己掂量。"),
    ("en", "Reyes, they say, never misses, and I never have."),
    ("en", "That is quite all right"),
]


@pytest.mark.parametrize("language, line, rule", CAUGHT)
def test_round17_shape_is_caught(language, line, rule):
    assert any(rule in r for r in rules(line, language))  # a rule, or a family ("hedging")


@pytest.mark.parametrize("language, line", KEPT)
def test_round17_hard_negative_is_kept(language, line):
    assert not rules(line, language)
