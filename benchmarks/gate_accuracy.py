"""How well the quality gate (default config, no judge) sorts labelled character replies.

The data (benchmarks/data/{dev,heldout,heldout2,...,heldout12}_{zh,en}.tsv) are replies written for this
benchmark, each one line of a named character in a scene, with the verdict a careful reader would
give (`bad`: the gate should drop it, `ok`: it should keep it) and, for a bad line, the family of
the failure. Many `ok` lines are hard negatives: in-character lines a naive rule would flag
(the character naming itself, quoting others, refusing or being rude in character, lists
spoken in prose, classical Chinese, code-switching); their family column names the family
they could be mistaken for.

Which split has been looked at (be honest about it when quoting a figure):
- dev: what tuning looks at, from the start.
- heldout (written before the gate was first tuned) and heldout2 (hedging / preaching only,
  written before the generic-statement check): held out in their first rounds; from round 13
  on they were looked at and tuned on too, so their figures are no longer unseen.
- heldout3: written in round 13 before that round changed the gate, measured before and after
  it, never tuned on. It was written by the engineer who then tuned the gate, so it is
  "not iterated on", not "unknown": the figure that speaks for lines nobody here wrote is the
  issue author's own held-out set. From round 14 on it is tuned on.
- heldout4: written in round 14 before that round changed the gate, with characters no other
  split uses and the phrasings heldout3 found weak; measured before and after, never tuned on
  (round 14: zh detection 0.660 -> 0.763, false positives 0.029 -> 0.039; en 0.723 -> 0.819,
  0.078 -> 0.044: the goal is met on the splits tuned on, not on this one). Its confusions were
  read once, after the final measurement. From round 15 on it is tuned on (round 15: zh 0.763 ->
  0.969 / 0.039 -> 0.010, en 0.819 -> 0.979 / 0.044 -> 0.033).
- heldout5: written in round 15 before that round changed the gate (committed alone), with new
  characters and registers (wuxia and customer-service Chinese, Qing ci, gothic and nursery English);
  measured before and after, never tuned on (round 15: zh detection 0.756 -> 0.826, false
  positives 0.026 -> 0.026; en 0.791 -> 0.895, 0.039 -> 0.053: the goal is not met on it). Its
  per-family aggregate was seen once mid-round (no confusions) before `--split tuned` existed; its
  confusions were read after the final measurement. The next round may tune on it and should write
  a heldout6 first. From round 16 on it is tuned on.
- heldout6: written in round 16 before that round changed the gate (committed alone, before
  heldout5's confusions were read), with new characters and registers (xianxia, palace intrigue
  and modern office Chinese; sci-fi, noir and Regency English); measured once before and once
  after, never tuned on (round 16: zh detection 0.894 -> 0.894, false positives 0.079 -> 0.079;
  en 0.824 -> 0.847, 0.026 -> 0.026: the goal is not met on it). Its confusions were read once,
  after the final measurement. The round's mechanisms (epithets as the actor of a stage
  direction, story adverbs and the durative 着 in second-person narration, words no clause ends
  on, illeism after 我 or in an exclamation, the irregular past forms, creeds with a negative
  quantifier, lone interjections) lifted heldout5 (tuned on this round) from 0.826 / 0.026 to
  0.977 / 0.000 (zh) and 0.895 / 0.053 to 1.000 / 0.000 (en) and moved heldout6 by two English
  lines: the heldout5 misses were phrasings, and the heldout6 misses are other phrasings. Seen
  after the measurement: he / she as the actor of a stage direction (four misses; this round
  tried and dropped that rule because the export fixture and the self-name tests keep "(She
  sighs.)" and "*Beethoven looks at the score*" as the script convention), 你 narrated without
  the listed marks, role frames ("I'll play X", "stepping into the role of X"), and false
  positives on relativity spoken in character (因人而异 with the speaker's own case after it) and
  on pronoun narration that introduces someone else's quote. The next round may tune on it and
  should write a heldout7 first. From round 17 on it is tuned on (round 17: zh 0.894 -> 1.000 /
  0.079 -> 0.000, en 0.847 -> 1.000 / 0.026 -> 0.000: its own phrasings, so this says little).
- heldout7: written in round 17 before that round changed the gate (committed alone, before
  heldout6's confusions were used), with new characters and registers (Republican-era espionage,
  campus, Beijing / north-eastern dialect comedy-wuxia and web-novel "system" Chinese; western,
  Shakespearean pastiche, space opera and teen-drama English); measured once before and once
  after, never tuned on (round 17: zh detection 0.812 -> 0.847, false positives 0.000 -> 0.000;
  en 0.847 -> 0.882, 0.053 -> 0.039: the goal is not met on it). Its author also tuned the gate
  this round, so its lines were known (not looked at through the gate) while tuning; only its
  aggregate figures were seen before the end. The round's mechanisms: Latin words in Chinese
  weighed by the word (code-switched office Chinese stays Chinese), a lone verb is a command
  (滚), a backchannel keeps its modal particle (行吧), relativity anchored by the speaker's own
  case after it or by one standard put back (没有对错，只有输赢; not an A-not-A or "for you"), the
  name pointed at as a person (X这个人) or counted as characters (X三个字), binding (a pronoun and
  the character's name in one sentence, or in the quote it frames, are two people), a reply that
  is only a third-person stage direction, 只见他…, second-person events staged in a scene (被/把,
  V在+place, manner 地, clause-internal 了, a chain of subjectless clauses), English performance
  frames ("I'll play X", "respond from the perspective of X", "stepping into the role of"), the
  user's turn appreciated, thanks + a presented text, the choice handed back, appositives with
  commas, degree words at a cut. Narrator voice went to 8/9 (zh) and 9/9 (en) on heldout7; the
  rest did not move. Seen after the measurement (confusions, read once): assistant openers in
  Chinese (好问题！…为你讲解, 当然可以，我很乐意与你分享), sermons with no generic person (最重要的是
  心平气和地沟通; 无论站在哪一方), a refusal with a reason of ethics (出于伦理方面的考虑), 我现在是X
  without 就, X这人吧 (a particle after the demonstrative), a name's fame as subject (X之名), a
  pronoun + 嘿嘿一笑 narrated, 你 narrated with 悄悄 or a result complement (震得), a cut after 也,
  知道了; English service closers ("Hope that clears things up", "I'm here to support you",
  "Glad I could help"), "yours may be equally valid", "Playing X now", an epithet without
  description ("The marshal squinted"), "You hesitate, then …", "You climb …, clutching …", "Ay."
  and "K."; false positives on "Of course! I'd be totally happy to …" (an in-character assent),
  "Everybody's got their own reasons … Mine is …" (the speaker's own case in the next sentence)
  and "Sir John Falstaff, they say, …" (illeism after a reported aside). The next round may tune
  on it and should write a heldout8 first. From round 18 on it is tuned on, and the learned
  model is trained on it.
- heldout8: written in round 18 before that round changed the gate (committed alone, before
  heldout7's confusions were used), with new characters and registers (palace eunuch, xianxia
  master and disciple, office "domineering CEO" and village comedy Chinese; pirate, Victorian
  detective, superhero quip and Southern gothic English); measured once before and once after,
  never tuned on, and never read by the learned model's training or its cross-validation (round
  18: zh detection 0.833 -> 0.964, false positives 0.014 -> 0.014; en 0.821 -> 0.857, 0.099 ->
  0.099: the goal is met in Chinese, not in English). Its author also tuned the gate this round,
  so its lines were known while tuning (the English service closer "Glad I could help" was left
  alone because this author had written it into heldout8 as an in-character line); only its
  aggregate figures were seen before the end. The round added a learned second opinion
  (factory/quality/learned.py, rule `learned.classifier`, on by default): logistic regression over
  hashed character n-grams (zh 1-3, en 2-5 + word 1-2-grams; the character's names replaced by
  one mark), trained by benchmarks/train_gate_model.py on dev .. heldout7, its n-grams, L2 and
  threshold chosen by leave-one-split-out cross-validation (the OR gate's false positives on
  every held-out split within 0.05). Cross-validated, the OR gate went from 0.977 / 0.000 to
  0.985 / 0.017 (zh, pooled) and 0.984 / 0.005 to 0.989 / 0.015 (en); on heldout7, the one tuned
  split whose rules had not been written from its confusions, 0.882 -> 0.929 (zh, false positives
  0.000 -> 0.026) and 0.906 -> 0.929 (en, 0.039 -> 0.039). The rule figures on the other tuned
  splits are in-sample (rules written from them), so the OR's gain there is a floor. On heldout8
  the model added 10 catches (zh) and 3 (en) no rule made and no false positive; a few
  blacklist entries written by mechanism from heldout7's confusions (an offer to share with the
  listener, an announced plan of an explanation "为你讲解", a refusal citing ethics / law /
  safety, "hope that clears things up", "yours may be equally valid") added one zh catch. Seen
  after the measurement (confusions, read once): scenery narration with no pronoun or with an
  epithet (一个佝偻的身影, 男人端着红酒; "The sea churned", "the inspector pored over"), *…* and
  (…) stage directions with a described subject ("The faded belle dabs…"), he + 嘻嘻一笑,
  "Thanks for reaching out! I'd love to explain", "Beauty is subjective… how you feel about
  yourself", "I apologize, but I'm not able to discuss", "(As Blackbeard)", a cut after "my
  family", "Quite." / "Cool." / "Arr."; false positives on relativity followed by the speaker's
  own case ("People say it depends…. I say…", "Everybody's got their own way…. Mine is…"),
  "As Peter," in contrast with "When I'm Spider-Man", illeism taken back ("Tony Stark doesn't
  do apologies. Kidding."), a quoted foreign line with an English frame, a reported foreign cry,
  "Nope." and 小骨 as the speaker's own pet name before a promise. The next round may tune on it
  and should write a heldout9 first (and retrain the model with it). From round 19 on it is tuned on.
- heldout9: written in round 19 by a writer (a helper session) who had not read the gate's code, its
  docs or this docstring, and did not run the gate, before that round changed the gate (committed
  alone), with new characters and registers (Jin Yong-style wuxia heroine, Republican-era poet, Ming
  founding emperor, e-sports streamer, starship captain, Liaozhai fox spirit; Odysseus, an Arthurian
  knight, a jazz-age flapper, a startup founder, a dwarf smith, Cicero, a magical nanny). Measured once
  with the round-18 gate (zh detection 0.906, false positives 0.039; en 0.729, 0.065) and once after
  round 19 (zh 0.918 / 0.039, en 0.859 / 0.039; rules alone 0.871 / 0.039 and 0.847 / 0.039): the
  goal is not met on it. The round tuned on heldout8 and on three training-only splits (below),
  written that round by other helper sessions. Its confusions were read once, after the final
  measurement; the next round may tune on it and should write a heldout10 first. From round 20 on
  it is tuned on, and the learned model is trained on it.
- heldout10: written in round 20 the same way (a writer who had not read the gate, committed before
  the round's changes were merged; about a third of its bad lines mixed: an in-character opening,
  then the failure), with new characters and registers (Warring States strategist, Tang woman poet,
  Jiangnan merchant, police detective, idol trainee, a demonic-sect master, a palace cook; a Viking
  shieldmaiden, a Renaissance painter, a 1950s waitress, a Mars colony engineer, a Victorian lady
  explorer, a sports coach, an oracle priestess). Measured once with round 19's final gate (zh
  0.929 / 0.053, en 0.918 / 0.013) and once after round 20 (zh 0.941 / 0.066, en 0.929 / 0.013;
  rules alone 0.906 / 0.053 -> 0.918 / 0.039 and 0.847 / 0.013 -> 0.859 / 0.013): not met. Its
  confusions were read once, after the final measurement (notes in docs/architecture.md); the
  next round may tune on it and should write a heldout11 first. From round 21 on it is tuned on,
  and the learned model is trained on it.
- heldout11: written in round 21 the same way (registers: Han woman general, Song Neo-Confucian
  teacher, Republican woman aviator, 1990s businessman, programmer, xianxia sword spirit, Peking
  opera star; Mongol horse archer, highwayman, disco DJ, submarine captain, governess, android
  detective, snake-oil salesman). Measured once with round 20's final gate (zh 0.955 / 0.026: the
  goal met; en 0.898 / 0.039) and once after round 21 (zh 0.955 / 0.026, met; en 0.898 / 0.026;
  rules alone zh 0.909 / 0.026 both times, en 0.864 / 0.026 -> 0.886 / 0.026). Its confusions were
  read once, after the final measurement; the next round may tune on it and should write a
  heldout12 first. From round 22 on it is tuned on, and the learned model is trained on it.
- heldout12: written in round 22 the same way (registers: Mohist mechanist, Yuan zaju actress,
  late-Qing customs translator, 1980s sent-down youth, delivery rider, Ming woman doctor, Dunhuang
  painter; Roman gladiator, monk scribe, Antarctic cook, Broadway diva, lighthouse keeper, 1960s
  astronaut, Cajun fisherman). Measured once with round 21's final gate (zh 0.909 / 0.026, en
  0.852 / 0.013) and once after round 22 (zh 0.932 / 0.013, en 0.875 / 0.013; rules alone zh
  0.875 / 0.026 -> 0.898 / 0.013, en 0.795 / 0.013 -> 0.818 / 0.013): not met. Its confusions
  were read once, after the final measurement; the next round may tune on it and should write a
  heldout13 first.
- trainA, trainB, trainC (TRAIN_ONLY): about 1,650 lines written in round 19 only to train the learned
  model (trainC: mixed replies, an in-character opening and then the failure). Never a measured
  split and never held out in the model's cross-validation; round 19 also tuned the rules on them.
  Their first figures (rules alone, before the round's mechanisms) are a second view of how the
  gate met new writers: zh 0.769 / 0.023 and 0.779 / 0.007 (trainA, trainB), en 0.721 / 0.075 and
  0.705 / 0.059.
- trainD, trainE, trainF, trainG (TRAIN_ONLY): 1,637 lines written in round 22 by four writers who
  had not seen the gate (trainE and trainG English only; trainF and trainG about half mixed). The
  same standing as trainA-C. Their first figures (rules alone, with part of round 22's rules
  merged) are a third view of new writers: en trainD 0.870 / 0.038, trainE 0.841 / 0.014, trainF
  0.883 / 0.017, trainG 0.799 / 0.028; zh trainD 0.851 / 0.025, trainF 0.857 / 0.025.

    .venv/bin/python benchmarks/gate_accuracy.py                 # every split (the newest last), summary + confusions
    .venv/bin/python benchmarks/gate_accuracy.py --split tuned   # every split but the newest: what tuning may look at
    .venv/bin/python benchmarks/gate_accuracy.py --split trainA  # a training-only split (never measured)
    .venv/bin/python benchmarks/gate_accuracy.py --split heldout3 --json out.json
    .venv/bin/python benchmarks/gate_accuracy.py --config recipes/sushi.yaml   # a recipe's quality block
    .venv/bin/python benchmarks/gate_accuracy.py --judge local --judge-sample 40   # + the embedded judge
    .venv/bin/python benchmarks/gate_accuracy.py --langid        # language detection accuracy and speed
    .venv/bin/python benchmarks/gate_accuracy.py --speed 20000   # the gate's line checks, lines/s

Dataset-level rules (dedup, pattern caps) are switched off: every line here is one sample.
With --judge, a seeded sample of N lines per language (a quarter bad self-name lines, a quarter
other bad lines, half ok) from the chosen splits goes to the self-name judge (the field's "replace
我 / I with the name" test, factory/quality/judge.py); the heuristic, the judge and the two
combined (heuristic OR judge) are scored on the same lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factory.quality.config import QualityConfig  # noqa: E402
from factory.quality.gate import run_gate  # noqa: E402
from factory.records import Message, Sample  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SPLITS = [
    "dev",
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
]  # newest last
# Lines written only to train the learned model (benchmarks/train_gate_model.py): never a measured split,
# never held out in its cross-validation; `--split trainA` shows what the gate makes of them.
TRAIN_ONLY = ["trainA", "trainB", "trainC", "trainD", "trainE", "trainF", "trainG", "trainH"]
GOAL_DETECTION, GOAL_FP = 0.95, 0.05
USER = {"zh": "你怎么看？", "en": "What do you make of it?"}
FAMILY_OF_RULE = {
    "blacklist.assistant_tone": "assistant_tone",
    "blacklist.hedging": "hedging",
    "blacklist.preachy": "hedging",
    "blacklist.refusal": "refusal",
    "tone.generic": "hedging",
    "tone.assistant": "assistant_tone",
    "tone.refusal": "refusal",
    "selfname.role_announce": "role_announce",
    "selfname.third_person": "third_person",
    "selfname.narrator": "narrator",
    "selfname.judge": "third_person",
    "format.speaks_for_user": "speaks_for_user",
    "format.truncated": "truncated",
    "format.too_short": "too_short",
    "format.wrong_language": "wrong_language",
    "format.markdown": "formatting",
    "format.broken_markup": "formatting",
    "learned.classifier": "learned",
}
FAMILIES = [
    "assistant_tone",
    "hedging",
    "refusal",
    "role_announce",
    "third_person",
    "narrator",
    "speaks_for_user",
    "truncated",
    "too_short",
    "wrong_language",
    "formatting",
]
DATASET_RULES = ("dedup.exact_sample", "dedup.near_sample", "dedup.line", "pattern.opener", "pattern.ngram")


@dataclass
class Case:
    id: str
    split: str
    language: str
    verdict: str  # bad | ok
    family: str  # for bad: the failure; for ok: the family it could be mistaken for, or "-"
    character: str
    text: str


def load(split: str) -> list[Case]:
    chars = json.loads((DATA / "characters.json").read_text(encoding="utf-8"))
    out = []
    for lang in ("zh", "en"):
        path = DATA / f"{split}_{lang}.tsv"
        if not path.exists():
            continue  # a training-only split may hold one language (trainE, trainG)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            verdict, family, key, text = line.split("\t")
            if (
                verdict not in ("bad", "ok")
                or (verdict == "bad" and family not in FAMILIES)
                or key not in chars
            ):
                raise SystemExit(f"error: {path.name}:{n}: bad row")
            out.append(
                Case(f"{split}-{lang}-{n:03d}", split, lang, verdict, family, key, text.replace("\\n", "\n"))
            )
    if not out:
        raise SystemExit(f"error: no data for split {split!r} under {DATA}")
    return out


def gate_cases(cases: list[Case], cfg: QualityConfig) -> dict[str, list[dict]]:
    """case id -> the findings of the gate for its sample ([] when kept)."""
    chars = json.loads((DATA / "characters.json").read_text(encoding="utf-8"))
    cfg = cfg.model_copy(update={"rules": {**cfg.rules, **{r: "off" for r in DATASET_RULES}}})
    by_char: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_char[c.character].append(c)
    found: dict[str, list[dict]] = {}
    for key, group in by_char.items():
        ch = chars[key]
        samples = [
            Sample(
                id=c.id,
                type="experience",
                character=ch["name"],
                language=c.language,
                system=f"You are {ch['name']}.",
                messages=[
                    Message(role="user", content=USER[c.language]),
                    Message(role="assistant", content=c.text, train=True),
                ],
            )
            for c in group
        ]
        res = run_gate(samples, cfg, character=ch["name"], language=ch["language"], aliases=ch["aliases"])
        for s in res.kept:
            found[s.id] = []
        for r in res.rejected:
            found[r["id"]] = [
                {"rule": r["rule"], "span": r["span"], "detail": r["detail"]},
                *({"rule": a, "span": "", "detail": ""} for a in r["also"]),
            ]
    return found


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def score(cases: list[Case], found: dict[str, list[dict]]) -> dict:
    out: dict = {}
    for lang in ("zh", "en"):
        sel = [c for c in cases if c.language == lang]
        if not sel:
            continue  # a training-only split in one language
        bad = [c for c in sel if c.verdict == "bad"]
        ok = [c for c in sel if c.verdict == "ok"]
        caught = sum(1 for c in bad if found[c.id])
        fps = sum(1 for c in ok if found[c.id])
        fams = {}
        for fam in FAMILIES:
            tp = sum(1 for c in bad if c.family == fam and _fams(found[c.id]) & {fam})
            fn = sum(1 for c in bad if c.family == fam) - tp
            fp = sum(
                1
                for c in sel
                if c.family != fam or c.verdict == "ok"
                if fam in _fams(found[c.id]) and not (c.verdict == "bad" and c.family == fam)
            )
            fams[fam] = _prf(tp, fp, fn)
        det, fpr = caught / max(len(bad), 1), fps / max(len(ok), 1)
        out[lang] = {
            "lines": len(sel),
            "bad": len(bad),
            "ok": len(ok),
            "detection": det,
            "false_positive_rate": fpr,
            "families": {k: v for k, v in fams.items() if v["tp"] + v["fn"]},
            "goal_met": det >= GOAL_DETECTION and fpr <= GOAL_FP,
        }
    return out


def _fams(findings: list[dict]) -> set[str]:
    return {FAMILY_OF_RULE.get(f["rule"], "other") for f in findings}


def confusions(cases: list[Case], found: dict[str, list[dict]]) -> list[str]:
    lines = []
    for c in cases:
        f = found[c.id]
        text = c.text.replace("\n", "\\n")
        if c.verdict == "bad" and not f:
            lines.append(f"MISS   {c.id} [{c.family}] {text}")
        elif c.verdict == "ok" and f:
            lines.append(f"FALSE+ {c.id} [{f[0]['rule']}: «{f[0]['span']}»] {text}")
        elif c.verdict == "bad" and c.family not in _fams(f):
            lines.append(f"OTHER  {c.id} [{c.family} -> {f[0]['rule']}] {text}")
    return lines


def _fmt(x: float | None) -> str:
    return "   - " if x is None else f"{x:5.2f}"


def print_report(split: str, result: dict) -> None:
    for lang, r in result.items():
        mark = "met" if r["goal_met"] else "NOT met"
        print(
            f"\n[{split}] {lang}: {r['lines']} lines ({r['bad']} bad, {r['ok']} ok): detection {r['detection']:.3f}, "
            f"false positives {r['false_positive_rate']:.3f}   goal: detection >= {GOAL_DETECTION}, "
            f"false positives <= {GOAL_FP}: {mark}"
        )
        print(f"  {'family':16} precision recall    f1   tp  fp  fn")
        for fam, m in r["families"].items():
            print(
                f"  {fam:16} {_fmt(m['precision'])}   {_fmt(m['recall'])} {_fmt(m['f1'])} "
                f"{m['tp']:4} {m['fp']:3} {m['fn']:3}"
            )


SELFNAME_FAMILIES = ("role_announce", "third_person", "narrator")


def judge_sample(cases: list[Case], n: int, seed: int) -> list[Case]:
    """Per language: n/4 bad self-name lines, n/4 other bad lines, the rest ok; seeded, stable."""
    import hashlib

    def rank(c: Case) -> str:
        return hashlib.blake2b(f"{seed}:{c.id}".encode(), digest_size=8).hexdigest()

    out: list[Case] = []
    for lang in ("zh", "en"):
        sel = [c for c in cases if c.language == lang]
        strata = [
            [c for c in sel if c.verdict == "bad" and c.family in SELFNAME_FAMILIES],
            [c for c in sel if c.verdict == "bad" and c.family not in SELFNAME_FAMILIES],
            [c for c in sel if c.verdict == "ok"],
        ]
        quota = [n // 4, n // 4, n - 2 * (n // 4)]
        for stratum, k in zip(strata, quota, strict=True):
            out.extend(sorted(stratum, key=rank)[:k])
    return out


def run_judge(spec: str, cases: list[Case], cache_dir: Path) -> dict[str, bool | None]:
    """case id -> True when the judge says the line is not spoken from inside (None: it failed)."""
    import asyncio

    from factory.chat.endpoints import Endpoints, Role
    from factory.engine import RequestCache
    from factory.quality.judge import Line, ask_judge

    chars = json.loads((DATA / "characters.json").read_text(encoding="utf-8"))
    lines = [Line(k, 1, c.text, chars[c.character]["name"], c.language) for k, c in enumerate(cases)]

    async def go() -> list[bool | None]:
        cache_dir.mkdir(parents=True, exist_ok=True)
        eps = Endpoints(RequestCache(cache_dir / "judge_cache.sqlite"), cache_dir, log=print)
        try:
            engine = eps.engine(Role("--judge", spec, params={"temperature": 0.0}, concurrency=2))
            return await ask_judge(engine, lines)
        finally:
            await eps.close()

    return {c.id: v for c, v in zip(cases, asyncio.run(go()), strict=True)}


def judge_report(cases: list[Case], found: dict[str, list[dict]], verdicts: dict[str, bool | None]) -> dict:
    """Heuristic, judge and heuristic-OR-judge on the judged lines, per language."""
    out: dict = {}
    for lang in ("zh", "en"):
        sel = [c for c in cases if c.language == lang and c.id in verdicts]
        answered = [c for c in sel if verdicts[c.id] is not None]
        row: dict = {"lines": len(sel), "judge_failed": len(sel) - len(answered)}
        for name, says in (
            ("heuristic", lambda c: bool(found[c.id])),
            ("judge", lambda c: bool(verdicts[c.id])),
            ("combined", lambda c: bool(found[c.id]) or bool(verdicts[c.id])),
        ):
            bad = [c for c in answered if c.verdict == "bad"]
            ok = [c for c in answered if c.verdict == "ok"]
            sn = [c for c in bad if c.family in SELFNAME_FAMILIES]
            tp = sum(says(c) for c in bad)
            fp = sum(says(c) for c in ok)
            row[name] = {
                "detection": tp / len(bad) if bad else None,
                "false_positive_rate": fp / len(ok) if ok else None,
                "precision": tp / (tp + fp) if tp + fp else None,
                "selfname_recall": sum(says(c) for c in sn) / len(sn) if sn else None,
            }
        out[lang] = row
    return out


def print_judge(spec: str, result: dict, seconds: float) -> None:
    print(f"\n[judge {spec}] the same sampled lines, three gates ({seconds:.0f} s for the judge):")
    print(f"  {'lang':4} {'gate':10} detection  false+  precision  self-name recall")
    for lang, row in result.items():
        if lang not in ("zh", "en"):
            continue
        for name in ("heuristic", "judge", "combined"):
            m = row[name]
            print(
                f"  {lang:4} {name:10} {_fmt(m['detection'])}     {_fmt(m['false_positive_rate'])}   "
                f"{_fmt(m['precision'])}      {_fmt(m['selfname_recall'])}"
            )
        print(f"  {lang:4} ({row['lines']} lines judged, {row['judge_failed']} without a verdict)")


def langid() -> None:
    """Accuracy and speed of factory.lang.detect on short lines (benchmark lines + ja/ko)."""
    from factory.lang import detect

    rows = [
        (c.language, c.text)
        for s in ("dev", "heldout")
        for c in load(s)
        if not (c.verdict == "bad" and c.family == "wrong_language")
    ]
    rows += [(lang, t) for lang, t in json.loads((DATA / "langid_extra.json").read_text(encoding="utf-8"))]
    detect("This sentence loads the model first.")
    t = time.perf_counter()
    got = [detect(text) for _, text in rows]
    dt = time.perf_counter() - t
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (lang, _), g in zip(rows, got, strict=True):
        by[lang][0] += g == lang
        by[lang][1] += 1
    ok = sum(v[0] for v in by.values())
    print(
        f"factory.lang.detect: {ok}/{len(rows)} = {ok / len(rows):.3f} "
        + ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(by.items()))
        + f"; {len(rows) / dt:,.0f} lines/s (1M lines ~{1e6 / (len(rows) / dt) / 60:.1f} min on one core)"
    )
    for (lang, text), g in zip(rows, got, strict=True):
        if g != lang:
            print(f"  expected {lang}, got {g}: {text[:60]}")


def speed(n: int) -> None:
    """Per-line cost of the gate's line checks (dataset steps off) on `n` distinct lines per language."""
    chars = json.loads((DATA / "characters.json").read_text(encoding="utf-8"))
    cases = load("dev") + load("heldout")
    cfg = QualityConfig().model_copy(update={"rules": {r: "off" for r in DATASET_RULES}})
    for lang, key in (("zh", "su"), ("en", "bee")):
        texts = [c.text for c in cases if c.language == lang]
        samples = [
            Sample(
                id=f"s{k}",
                type="experience",
                character=chars[key]["name"],
                language=lang,
                system="",
                messages=[
                    Message(role="user", content=USER[lang]),
                    Message(role="assistant", content=f"{texts[k % len(texts)]} {k}", train=True),
                ],
            )
            for k in range(n)
        ]  # the number makes every line distinct (no cache helps)
        t = time.perf_counter()
        run_gate(samples, cfg, character=chars[key]["name"], language=lang, aliases=chars[key]["aliases"])
        dt = time.perf_counter() - t
        print(
            f"{lang}: {n} lines in {dt:.1f} s = {n / dt:,.0f} lines/s (1M lines ~{1e6 / (n / dt) / 60:.0f} min)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--split",
        choices=[*SPLITS, *TRAIN_ONLY, "both", "tuned", "all"],
        default="all",
        help="both: heldout + dev; tuned: every split but the newest (what this round tunes on); all: every split, the newest last",
    )
    ap.add_argument("--config", type=Path, help="a recipe (its quality block) or a quality YAML")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--quiet", action="store_true", help="no confusion list")
    ap.add_argument(
        "--judge",
        metavar="MODEL",
        help="also run the self-name judge on a sample: `local` (the embedded model), a .gguf or a URL",
    )
    ap.add_argument("--judge-sample", type=int, default=40, metavar="N", help="judged lines per language")
    ap.add_argument("--judge-seed", type=int, default=0, help="seed of the judged sample")
    ap.add_argument(
        "--judge-cache",
        type=Path,
        default=Path("/tmp/factory-gate-judge"),
        help="folder of the judge's request cache and server log (a re-run asks nothing twice)",
    )
    ap.add_argument("--langid", action="store_true", help="measure language detection instead")
    ap.add_argument("--speed", type=int, metavar="N", help="measure the gate's speed on N lines per language")
    args = ap.parse_args()
    if args.langid:
        langid()
        return
    if args.speed:
        speed(args.speed)
        return
    cfg = QualityConfig()
    if args.config:
        from factory.cli.gate import _load_config

        cfg = _load_config(args.config)
    tuned = SPLITS[:-1]
    splits = {"both": ["heldout", "dev"], "tuned": tuned, "all": SPLITS}.get(args.split, [args.split])
    results = {}
    everything: list[Case] = []
    found_all: dict[str, list[dict]] = {}
    for split in splits:
        cases = load(split)
        t = time.perf_counter()
        found = gate_cases(cases, cfg)
        dt = time.perf_counter() - t
        results[split] = score(cases, found)
        everything += cases
        found_all.update(found)
        print_report(split, results[split])
        print(f"  ({len(cases)} lines gated in {dt:.1f} s)")
        if not args.quiet:
            print(
                f"\n[{split}] confusions (MISS: bad kept; FALSE+: ok dropped; OTHER: dropped under another family):"
            )
            for line in confusions(cases, found):
                print("  " + line)
    if args.judge:
        picked = judge_sample(everything, args.judge_sample, args.judge_seed)
        t = time.perf_counter()
        verdicts = run_judge(args.judge, picked, args.judge_cache)
        results["judge"] = {"model": args.judge, **judge_report(picked, found_all, verdicts)}
        print_judge(args.judge, results["judge"], time.perf_counter() - t)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
