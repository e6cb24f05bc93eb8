"""A shard plans its part as the whole run does: what is spread over the chunks sees every chunk."""

from factory.recipe import load_recipe
from factory.run.context import RunContext
from factory.run.rundir import RunDir
from factory.stages.chunks import write_chunks
from factory.stages.experience import scenes
from factory.stages.persona.cards import character_request

RECIPE = """\
name: anna
language: en
character: {name: Anna Keller, profile: {file: profile.md}}
chunks: {max_tokens: 200, min_tokens: 5}
scenes: {total: 9, per_request: 2}
cards: {count: 1, from_character: true}
"""
PROFILE = "\n\n".join(
    f"# Period {i}\nAnna did thing number {i} in the year {1850 + i} with care and skill." for i in range(6)
)


def _ctx(write_recipe, tmp_path, shard):
    recipe = load_recipe(write_recipe(RECIPE, profile=PROFILE))
    ctx = RunContext(recipe=recipe, run=RunDir(tmp_path / f"run{shard}").prepare(), shard=shard)
    write_chunks(ctx)
    return ctx


def test_a_shard_asks_what_the_whole_run_asks_of_its_chunks(write_recipe, tmp_path):
    whole = _ctx(write_recipe, tmp_path, None)
    parts = [_ctx(write_recipe, tmp_path, (i, 2)) for i in range(2)]
    chunks = [scenes.load_chunks(p) for p in parts]
    assert min(map(len, chunks)) > 0 and sum(map(len, chunks)) == len(scenes.load_chunks(whole))
    # scenes.total is spread over every chunk: the shards' scene requests are the whole run's, split
    asked = {r.id: r.messages for r in scenes.build_requests(whole, scenes.load_chunks(whole))}
    split = [
        {r.id: r.messages for r in scenes.build_requests(p, c)} for p, c in zip(parts, chunks, strict=True)
    ]
    assert {**split[0], **split[1]} == asked and not split[0].keys() & split[1].keys()
    # the character's own card is written from the profile's start, in every shard
    card = character_request(whole)
    assert all(character_request(p).messages == card.messages for p in parts)
