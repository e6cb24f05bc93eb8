"""Seed attributes for synthetic persona cards, sampled combinatorially and never twice the same tuple.

Each axis is a pool of values (English and Chinese side by side, so a zh recipe gets zh seeds).
Every axis walks through its own reshuffled pool, so all values get used about equally; a tuple
that repeats an earlier one is redrawn. Both steps only look at earlier cards, so raising
`cards.count` keeps the cards already made (their ids come from their tuples).
"""

from __future__ import annotations

import math
import random

from factory.lang import is_zh
from factory.recipe import RecipeError

# axis -> [(en, zh), ...]; order of axes is the order they appear in the prompt and the tuple
AXES: dict[str, list[tuple[str, str]]] = {
    "occupation": [
        ("lighthouse keeper", "灯塔看守人"),
        ("street-food cook", "路边摊厨师"),
        ("retired detective", "退休侦探"),
        ("violin maker", "小提琴制琴师"),
        ("night-shift nurse", "夜班护士"),
        ("ship's navigator", "船上领航员"),
        ("court astrologer", "宫廷占星师"),
        ("bounty hunter", "赏金猎人"),
        ("botanist", "植物学家"),
        ("high-school teacher", "高中老师"),
        ("mercenary captain", "佣兵队长"),
        ("librarian", "图书管理员"),
        ("bakery owner", "面包店老板"),
        ("starship engineer", "星舰工程师"),
        ("tea-house owner", "茶馆老板"),
        ("herbalist", "草药师"),
        ("stage magician", "舞台魔术师"),
        ("journalist", "记者"),
        ("blacksmith", "铁匠"),
        ("game developer", "游戏开发者"),
        ("archaeologist", "考古学家"),
        ("florist", "花店店主"),
        ("bush pilot", "丛林飞行员"),
        ("wandering monk", "云游僧人"),
    ],
    "setting": [
        ("Victorian London", "维多利亚时代的伦敦"),
        ("Tang-dynasty Chang'an", "唐代长安"),
        ("present-day Tokyo", "当代东京"),
        ("1920s Shanghai", "二十年代的上海"),
        ("a far-future space station", "遥远未来的空间站"),
        ("a post-apocalyptic wasteland", "末日后的废土"),
        ("a medieval fantasy kingdom", "中世纪奇幻王国"),
        ("a Wild West frontier town", "西部边境小镇"),
        ("a cyberpunk megacity", "赛博朋克巨型都市"),
        ("a small coastal village today", "当代海边小村"),
        ("Renaissance Florence", "文艺复兴时期的佛罗伦萨"),
        ("1980s suburban America", "八十年代的美国郊区"),
        ("an underwater colony", "海底殖民地"),
        ("floating sky islands", "浮空群岛"),
    ],
    "temperament": [
        ("cheerful", "开朗"),
        ("stoic", "隐忍"),
        ("sarcastic", "爱挖苦人"),
        ("shy", "害羞"),
        ("hot-tempered", "暴躁"),
        ("gentle", "温柔"),
        ("mischievous", "调皮"),
        ("melancholic", "忧郁"),
        ("proud", "骄傲"),
        ("anxious", "焦虑"),
        ("calm and wise", "沉稳睿智"),
        ("blunt", "直率"),
    ],
    "genre": [
        ("slice of life", "日常"),
        ("romance", "爱情"),
        ("mystery", "悬疑"),
        ("adventure", "冒险"),
        ("horror", "恐怖"),
        ("comedy", "喜剧"),
        ("wuxia", "武侠"),
        ("science fiction", "科幻"),
        ("fantasy", "奇幻"),
        ("drama", "剧情"),
    ],
    "age": [
        ("late teens", "十几岁"),
        ("twenties", "二十多岁"),
        ("thirties", "三十多岁"),
        ("forties", "四十多岁"),
        ("fifties", "五十多岁"),
        ("elderly", "年迈"),
        ("ageless", "不老之身"),
    ],
    "speaking_style": [
        ("formal and precise", "正式严谨"),
        ("slangy and casual", "随意爱用俚语"),
        ("poetic", "诗意"),
        ("terse", "惜字如金"),
        ("rambling", "絮絮叨叨"),
        ("old-fashioned", "老派文雅"),
        ("full of jokes", "满嘴玩笑"),
        ("soft-spoken", "轻声细语"),
        ("dramatic", "夸张戏剧化"),
        ("thick regional dialect", "浓重方言"),
        ("technical jargon", "满口术语"),
        ("answers with questions", "爱用反问"),
    ],
    "relationship": [
        ("old friend", "老朋友"),
        ("stranger just met", "刚认识的陌生人"),
        ("rival", "对手"),
        ("mentor", "导师"),
        ("student", "学生"),
        ("neighbour", "邻居"),
        ("regular customer", "常客"),
        ("childhood friend", "青梅竹马"),
        ("coworker", "同事"),
        ("employer", "雇主"),
        ("bodyguard", "保镖"),
        ("online penpal", "网友"),
    ],
    "gender": [("woman", "女性"), ("man", "男性"), ("non-binary", "非二元性别")],
}


def pools(language: str, overrides: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The value pool of every axis in `language`; recipe `cards.axes` replace or add axes."""
    col = 1 if is_zh(language) else 0
    out = {axis: [v[col] for v in values] for axis, values in AXES.items()}
    for axis, values in (overrides or {}).items():
        out[axis] = list(values)
    return out


def combinations(axes: dict[str, list[str]]) -> int:
    return math.prod(len(v) for v in axes.values())


def sample_seeds(seed: int, count: int, axes: dict[str, list[str]]) -> list[dict[str, str]]:
    """`count` distinct seed tuples (as dicts in axis order), deterministic in `seed`."""
    total = combinations(axes)
    if count > total:
        raise RecipeError(
            f"cards.count: {count} is more than the {total} distinct seed tuples the axes "
            "allow; add values under cards.axes"
        )
    names = list(axes)
    columns = {a: _walk(random.Random(f"{seed}:axis:{a}"), axes[a], count) for a in names}
    used: set[tuple[str, ...]] = set()
    out: list[dict[str, str]] = []
    for i in range(count):
        tup = tuple(columns[a][i] for a in names)
        redraw = random.Random(f"{seed}:redraw:{i}")
        while tup in used:
            tup = tuple(redraw.choice(axes[a]) for a in names)
        used.add(tup)
        out.append(dict(zip(names, tup, strict=True)))
    return out


def _walk(rng: random.Random, values: list[str], count: int) -> list[str]:
    """Concatenated reshuffles of the pool: each value comes back once per pass."""
    out: list[str] = []
    while len(out) < count:
        batch = list(values)
        rng.shuffle(batch)
        out.extend(batch)
    return out[:count]


def seed_key(seed: dict[str, str]) -> list[list[str]]:
    """The tuple as id input: ordered [axis, value] pairs."""
    return [[k, v] for k, v in seed.items()]
