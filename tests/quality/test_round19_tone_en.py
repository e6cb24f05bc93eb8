"""Round 19, English tone: the listener and the quoted voice as scene anchors (address.py), the
conversation as a service, refusals qualified by policy, hedges by structure and role frames.
Every line here is written for these tests (a whaling captain, Silas Ward, and his scenes)."""

import pytest

from factory.quality.address import reported, vocative_after
from tests.quality.lines import ALL, FAMILY, line_rules

NAME, ALIASES = "Silas Ward", ("Ward", "Captain Ward")


def rules(line: str) -> set[str]:
    return line_rules(line, NAME, "en", ALIASES)


CAUGHT = [
    # --- still caught: the same phrases with no listener and no one quoted
    ("assistant", "Great question! Let me break it down for you."),
    ("assistant", "Absolutely! I'll explain the rules of cricket."),
    ("assistant", "Thanks for asking! Here's a short overview of the harvest."),
    ("assistant", "Great question! I'd be happy to explain."),
    ("refusal", "I cannot help with that request."),
    ("refusal", "I'm sorry, but I can't help with that, Captain."),  # "that" is declined, not the listener
    ("refusal", "I must decline this request."),
    ("refusal", "I must respectfully decline."),
    ("hedging", "It really depends on the situation."),
    ("hedging", "There's no right or wrong answer, as they say."),  # an idiom of the speaker's own
    # --- the conversation itself as the thing served
    ("assistant", "So glad you asked! Here's what you might want to know about falconry."),
    ("assistant", "It's been a pleasure talking with you about the tides."),
    ("assistant", "Thanks so much for reaching out!"),
    ("assistant", "If you like, I can also explain how the telegraph works."),
    ("assistant", "Is there anything else you'd like to learn about the mill?"),
    ("assistant", "What a fascinating topic!"),
    ("assistant", "I'm here to support you."),
    ("assistant", "Sure! Here's a plain-language summary of the whaling laws."),
    # --- refusals of content, qualified by policy or naming instructions as the product
    ("refusal", "I won't write out how to poison a well, even in a story set at sea."),
    ("refusal", "I'm not able to give step-by-step instructions for making a bomb."),
    ("refusal", "I can't depict that cruelty in graphic detail."),
    ("refusal", "Sharing methods for forging banknotes isn't something I can do."),
    # --- hedges by structure
    ("hedging", "Reasonable minds may differ on the matter."),
    ("hedging", "What works for one family might not work for the next."),
    ("hedging", "Fire is neither good nor bad in itself; it depends on how you use it."),
    ("hedging", "Whaling remains a controversial subject."),
    ("hedging", "It's usually wiser to talk things through calmly."),
    ("hedging", "Scholars still debate the origins of the game."),
    ("hedging", "Beauty fades; what matters most is kindness to everyone."),
    ("hedging", "Rum warms the blood, but it's important to drink water as well."),
    # --- role frames
    ("role", "(As Ward) Thar she blows!"),
    ("role", "(As Captain Ward) Hands to the braces!"),
    ("role", 'Playing Silas Ward for you now: "Hands to the braces!"'),
    ("role", "Now playing Ward. Here's how he'd answer."),
    ("role", "Ward here, in role. What do you want?"),
    ("role", "As Silas Ward, I would say the whale is evil."),
    ("role", "As Silas Ward, however, I would say the whale is evil."),  # an adverb, not a title
    # --- second pass: the user's experience of the exchange, the menu, a type's answer staged
    ("assistant", "I hope you found this helpful."),
    ("assistant", "Let me know what else you'd like to discuss."),
    ("assistant", "Is there a specific aspect of the voyage you'd like to know more about?"),
    ("assistant", "Certainly, here's how a whaling captain might describe a storm."),
    ("assistant", "What an intriguing request!"),
    ("hedging", "Opinions vary on this matter."),
    ("hedging", "It's a matter of perspective."),
    ("hedging", "There are arguments on both sides."),
    ("hedging", "There's no easy answer to that."),
    ("hedging", "In the end, it's up to you to decide."),
    ("hedging", "Whether you choose the sea or the land, what matters is that you are happy."),
    ("role", "Sure, I'll be Captain Ward."),
    ("role", "Okay, I'm now Silas Ward."),
    ("role", "Alright, stepping into Ward's boots."),
    # --- third pass: the user's own work served, praise of the user's turn, refusals of the product
    ("assistant", "Happy to help with your research on whaling."),
    ("assistant", "That's a great point you've raised."),
    ("assistant", "Here's a fun fact: sperm whales can dive 2,000 meters."),
    ("assistant", "I hope you have a wonderful time exploring maritime history!"),
    ("refusal", "I'm not going to write that."),
    ("refusal", "That's not a request I can fulfill."),
    ("refusal", "I'm going to have to decline writing that scene."),
    ("hedging", "There's something to be said for both sides."),
    ("hedging", "It varies from captain to captain."),
    ("hedging", "Whaling has both benefits and drawbacks."),
    ("hedging", "Every culture has its own traditions, and all deserve respect."),
    ("hedging", "There are people who believe it depends on the person, and others who disagree."),
    # sermons: a moral verdict on an abstract act, the choice handed back by its description
    ("hedging", "Honesty is always the best policy."),
    ("hedging", "Cruelty is never the answer."),
    ("hedging", "It's never okay to lie, whatever the reason."),
    ("hedging", "We should all do our part to keep the harbour clean."),
    ("hedging", "The right decision is whatever feels true to you."),
    ("hedging", "Both the lance and the harpoon have their place."),
    ("hedging", "Some captains flog and some pardon, and neither is wrong."),
    ("hedging", "There are strong arguments for and against the new law."),
    ("hedging", "It was a sad quarrel, since both brothers had their reasons."),
    ("hedging", "In the end it boils down to what you prioritise."),
    ("hedging", "Each of these trades has something to offer."),
    ("hedging", "Who is to say which is better?"),
    ("hedging", "Marriage is a personal journey."),
    ("refusal", "Thanks for asking, but I can't help with that."),
    ("assistant", "Great question, but here's a quick overview first."),
    ("refusal", "I won't explain methods for picking locks."),
    ("role", "Playing Captain Ward now."),
    # fifth pass: the service's scope and menu, a text produced on request, refusal of the scene product
    ("refusal", "I'm not really able to talk about that kind of thing."),
    ("refusal", "This isn't a topic I'm comfortable exploring."),
    ("refusal", "Out of respect for everyone involved, I won't write that scene."),
    ("refusal", "I can only help with questions about whaling."),
    ("assistant", "Hi there! I'm Silas Ward, your friendly whaling guide."),
    ("assistant", "Don't hesitate to ask if you have more questions!"),
    ("assistant", "Would you like a summary or a detailed explanation?"),
    ("assistant", "Let me know how else I can help!"),
    ("assistant", "I'd be glad to share more about life aboard a whaler."),
    ("assistant", "As requested, here is a short story about the whale."),
    ("assistant", "Here is a poem in the style of a sea shanty:"),
    ("role", "In character: Hands to the braces!"),
    ("role", "Here's Ward's reply: \"Never.\""),
]

KEPT = [
    # a listener named or called right after the phrase
    "Good question, lad! And the answer is the gallows.",
    "I can't help you, madam, unless you show me the letter.",
    "I hope this ring pleases you, Margaret.",
    "Let me know if you need anything, Holmes.",
    # the phrase is someone else's, closed by who says it
    "It depends on the circumstances, as my uncle used to say, and he died poor.",
    "Feel free to ask, says the sign over his door, and nobody ever does.",
    "Remember, everyone's journey is different, says the poster, and I tore it down.",
    # assent, then an act of the scene, not a service
    "Certainly! I'll fetch the carriage at once.",
    # a refusal of a thing of the scene, or an idiom of "help"
    "I must decline the duel; my arm is broken.",
    "I cannot help laughing at him.",
    # thanks for the question, answered from the speaker's own life
    "Thanks for asking! My knees ache, but the vines are heavy this year.",
    # service words in their scene senses
    "You asked for it, and now you'll get it.",
    "I'm glad you asked me to the dance.",
    "He was reaching out to me and I thanked God.",
    "I'd be happy to walk you through the garden.",
    "Glad I could help you with the nets, Tom.",
    "What a dreadful topic for supper!",
    "I can't describe how the sea looked that morning.",
    "I can't keep providing for the whole village.",
    "I can't remember the directions for the mine.",
    "I won't cheat, even in a game.",
    "Even a fictional duke would blush at that.",
    "I'm here to support you, Nell, whatever the magistrate says.",
    # near-structures of hedges that take a position or stay in the scene
    "One ship sank and then another.",
    "For one man it's gold, for another it's a grave.",
    "The stew is neither good nor bad.",
    "Reasonable people don't sail in November.",
    "My brother and I disagree about everything.",
    "People still argue about who won the war.",
    "That's a sensitive topic, my lord.",
    "Money is a sensitive topic in this house.",
    "It's always better to hit first, lad.",
    "Folks will tell you different, but the mine is dry.",
    # the role's name in the scene, not the role announced
    "Playing cards with Starbuck again tonight.",
    "As Captain Ward, master of the Pequod, I order you aloft!",
    # second pass: the same cues in the scene
    "I found this map helpful when we crossed the shoals.",
    "If you'd like me to continue, pour another glass.",
    "Let's dive into the lagoon before the sharks come!",
    "Sure, I'll be Captain Ward's first mate.",
    "Here's how a gentleman would answer that insult!",
    "Whether we sail or stay, what matters is the crew.",
    "There's no easy way out of this valley.",
    "It's not a matter of taste, it's a matter of law.",
    "In the end, it's up to you, boy.",
    # third pass
    "I'm glad you're interested in my daughter, but she's spoken for.",
    "Thank you for your interest, but the position is filled.",
    "Good luck with the harpoon, you'll need it.",
    "I hope you have a wonderful time exploring the island.",
    "I'm not going to lie to you.",
    "I'm not going to write that letter to your father.",
    "That's not a ship I can sail alone.",
    "Every family has its own troubles, and ours are rum and debt.",
    "The weather varies from day to day up here.",
    "Prices vary from port to port.",
    "It has benefits and drawbacks, this old ship — mostly drawbacks.",
    "Here's Ward's answer: a fist.",
    "Thanks for your patience, lads, the rum is coming.",
    "There are those who say the sea is no place for women. They never met my mother.",
    "You'll meet men who say there's no right or wrong way to gut a fish. They're liars.",
    "Mutiny is never the answer, Mr. Flask.",
    "Whaling is always the answer when the larder's empty!",
    "Both my sons have their uses.",
    "We must all pull together or we drown tonight.",
    # fourth pass: the listener named later in the opener's sentence, a thanks turned against the
    # asker, the speaker's own methods or life as the topic, a label relative to someone in the scene
    "What a wonderful topic for a wedding toast, Claire.",
    "Thanks for asking, but it's none of your business.",
    "Is there anything else you'd like to know about my ex-wife? No? Good.",
    "Playing Captain Ward's game again, are we?",
    "I won't discuss my methods for catching thieves.",
    "This is a sensitive topic for your mother, so keep your voice down.",
    # fifth pass
    "Don't hesitate to shoot if he moves.",
    "I'd be glad to share more about my late wife, if you'll listen.",
    "As requested, here's the rum, Captain.",
    "I won't write that letter.",
    "I can only help you so far, lad.",
    "This isn't a fight I can win.",
    "Here's a song about the whale that took my leg.",
    "I'm not really able to walk since the fall.",
    "This isn't a fight I'm comfortable picking, but I will.",
    "Neither answer is right, only the rope is.",
    "Each of my crew has something to offer.",
    "It comes down to what you did that night.",
    "Who's to say he didn't jump?",
    "Only you can decide whether he hangs, Captain.",
    "Neither of them is wrong about the storm; it's coming.",
]


@pytest.mark.parametrize(("family", "line"), CAUGHT)
def test_caught(family, line):
    assert rules(line) & FAMILY[family], rules(line)


@pytest.mark.parametrize("line", KEPT)
def test_kept(line):
    assert not rules(line) & ALL, rules(line)


def test_vocative_after_needs_the_comma_and_the_clause():
    assert vocative_after("Great question, buddy! And …", 14)
    assert vocative_after("Excellent point, friend Ahab!", 15)
    assert not vocative_after("Great question! Let me explain, Bob.", 14)  # another clause


def test_reported_needs_a_sayer_after_the_phrase():
    assert reported("No one-size-fits-all, the manuals claim. Nonsense.", 0)
    assert not reported("Practice makes perfect, as they say.", 0)  # idiom
    assert not reported("It depends. Mother said so, later.", 0)  # another sentence
