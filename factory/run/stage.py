"""The stage contract: each stage module declares itself once; the pipeline derives the rest.

A stage module ends with `STAGE = Stage(...)`: its name, the recipe block that configures it
(a pydantic model beside it), the record sets it needs and makes, and `run(ctx) -> report`.
From these declarations alone come the recipe's stage blocks (factory.recipe), the run order
(needs and uses before the stage), which stages may run at the same time (those that wait on
none of each other: `waits_for`; a stage that `follows` a record set starts beside its maker),
whether a stage is on for a recipe (its block is there and
what it needs is made), `factory validate`'s "needs X, which is off" errors and the run.json
reports. Nothing here knows what a stage does.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

STAGE_PACKAGE = "factory.stages"  # where stage modules are found (every module with a STAGE)


class StageReport(BaseModel):
    """What a stage reports in run.json (`report_<name>`); subclasses add typed fields."""

    model_config = ConfigDict(extra="forbid")

    def run_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class Block:
    """A recipe block a stage is configured by: `key:` in the YAML, validated by `model`.

    `default_on`: the block is there unless the recipe says `key: null` (else: only when written);
    `nullable`: whether `key: null` is allowed at all (a stage that always runs says no).
    """

    key: str
    model: type[BaseModel]
    default_on: bool = False
    nullable: bool = True


@dataclass
class StagePlan:
    """What a stage will ask before it asks (`factory plan`): requests and the tokens they carry.

    `exact`: the request count follows from the recipe and the chunks alone; else it is estimated
    from the upstream estimates in `makes` (records per record set, what later stages plan from).
    """

    requests: int = 0
    input_tokens: int = 0
    output_tokens_max: int = 0  # the sum of the requests' max_tokens: the most the replies can cost
    makes: dict[str, int] = field(default_factory=dict)
    exact: bool = True
    note: str = ""


def no_requests(ctx: Any, upstream: dict[str, int]) -> StagePlan:
    """The plan of a stage that asks no model."""
    return StagePlan()


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Any], Awaitable[StageReport | None]]
    blocks: tuple[Block, ...] = ()  # the recipe blocks it reads, in the order the recipe lists them
    switch: str | None = None  # the block whose presence turns it on; None: on whenever its needs are made
    needs: tuple[str, ...] = ()  # record sets that must be made by a stage that is on
    uses: tuple[str, ...] = ()  # record sets read when some stage makes them (order only)
    # other stages' recipe blocks whose settings it reads (protection spreads its slots by the scenes
    # budget): while it is on, they may not be `null`
    settings_from: tuple[str, ...] = ()
    # record sets among `needs` / `uses` it may take one record at a time while their maker runs (it then
    # starts beside the maker: factory/run/per_record.py); what it keeps still follows the final set
    follows: tuple[str, ...] = ()
    makes: tuple[str, ...] = ()  # record sets written; the first counts the stage in run.json
    when: Callable[[Any], bool] | None = None  # a switch inside the recipe (e.g. `grounding.enabled`)
    order: int = 0  # among stages free to run at the same point, lower first (the order run.json lists them)
    # Came to nothing (exit 1) when it made no records although one of these record sets has some
    # (() = always); None: an empty output is fine. Stages asking a model are judged by their requests.
    fails_empty: tuple[str, ...] | None = None
    empty_message: str = ""  # the error then, formatted with the input counts and `run` (the run directory)
    empty_ok: bool = False  # even requests that made no records are fine (only all-failed is fatal)
    help: str = ""  # one line for docs and `factory validate`
    # `factory plan`: (ctx, upstream record estimates) -> StagePlan, with no request made; None: no model
    plan: Callable[[Any, dict[str, int]], StagePlan] | None = None
    module: str = field(default="", compare=False)

    @property
    def counted_by(self) -> str | None:
        return self.makes[0] if self.makes else None

    def configured(self, recipe: Any) -> bool:
        """Its block is present (a stage without one is always configured) and its switch is on."""
        if self.switch is not None and getattr(recipe, self.switch, None) is None:
            return False
        return self.when is None or bool(self.when(recipe))


@cache
def registry() -> tuple[Stage, ...]:
    """Every declared stage, in run order: a stage comes after every stage making what it needs or
    uses; among stages free to go, the lowest `order` (then the module that sorts first)."""
    found: list[Stage] = []
    package = importlib.import_module(STAGE_PACKAGE)
    for info in sorted(pkgutil.walk_packages(package.__path__, STAGE_PACKAGE + "."), key=lambda i: i.name):
        module = importlib.import_module(info.name)
        stage = getattr(module, "STAGE", None)
        if isinstance(stage, Stage):
            found.append(Stage(**{**stage.__dict__, "module": info.name}))
    return tuple(_ordered(found))


def waits_for(stages: list[Stage]) -> dict[str, set[str]]:
    """For each of `stages`, the names of those among them it must wait for: the makers of what it
    needs or uses. Stages that wait on none of each other may run at the same time."""
    makers = {r: s.name for s in stages for r in s.makes}
    return {
        s.name: {makers[r] for r in (*s.needs, *s.uses) if r in makers and makers[r] != s.name}
        for s in stages
    }


def followed(stages: list[Stage]) -> dict[str, set[str]]:
    """For each of `stages`, the names of those among them it may start beside (`follows`)."""
    makers = {r: s.name for s in stages for r in s.makes}
    return {s.name: {makers[r] for r in s.follows if r in makers and makers[r] != s.name} for s in stages}


def _ordered(stages: list[Stage]) -> list[Stage]:
    makers = {r: s.name for s in stages for r in s.makes}
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise RuntimeError(f"two stages share a name: {sorted(n for n in names if names.count(n) > 1)}")
    after = waits_for(stages)
    for s in stages:
        if not set(s.follows) <= {*s.needs, *s.uses}:
            odd = sorted(set(s.follows) - {*s.needs, *s.uses})
            raise RuntimeError(f"stage {s.name} follows {odd}, which it neither needs nor uses")
        missing = [r for r in s.needs if r not in makers]
        if missing:
            raise RuntimeError(f"stage {s.name} needs {missing}, which no stage makes")
    done: list[Stage] = []
    left = list(stages)
    while left:
        ready = sorted((s for s in left if after[s.name] <= {d.name for d in done}), key=lambda s: s.order)
        if not ready:
            raise RuntimeError(f"stages wait on each other: {[s.name for s in left]}")
        done.append(ready[0])
        left.remove(ready[0])
    return done


def active(recipe: Any) -> list[Stage]:
    """The stages that run for this recipe, in order: configured, and what they need is made."""
    made: set[str] = set()
    on = []
    for stage in registry():
        if stage.configured(recipe) and all(r in made for r in stage.needs):
            on.append(stage)
            made.update(stage.makes)
    return on


def unmet(recipe: Any) -> list[str]:
    """A configured stage whose needs no active stage makes: one line each, for validation."""
    on = active(recipe)
    made = {r for s in on for r in s.makes}
    makers = {r: s for s in registry() for r in s.makes}
    lines = [
        f"{stage.switch or stage.name}: reads the settings of the {key} block, which is null: remove "
        f"`{key}: null`" + (f" or set `{stage.switch}: null`" if stage.switch else "")
        for stage in on
        for key in stage.settings_from
        if getattr(recipe, key, None) is None
    ]
    for stage in registry():
        if stage.switch is None or not stage.configured(recipe):
            continue
        for r in stage.needs:
            if r not in made:
                maker = makers[r]
                nulled = [b.key for b in maker.blocks if getattr(recipe, b.key, ...) is None]
                how = (
                    f"add a `{maker.switch}:` block"
                    if maker.switch
                    else f"remove `{nulled[0]}: null`"
                    if nulled
                    else f"turn on stage {maker.name}"
                )
                lines.append(
                    f"{stage.switch}: needs {r} (made by stage {maker.name}, which is off for this "
                    f"recipe): {how} or remove {stage.switch}"
                )
                break
    return lines


def blocks() -> list[Block]:
    """Every stage's recipe blocks, in run order: the recipe's stage fields."""
    seen: dict[str, Block] = {}
    for stage in registry():
        for block in stage.blocks:
            if block.key in seen:
                raise RuntimeError(f"recipe block {block.key!r} is declared by two stages")
            seen[block.key] = block
    return list(seen.values())
