"""The book route's records: chunks that know their chapter, and verified plots with conversations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from factory.records import Record


class SpokenLine(BaseModel):
    """A line found by the reader, not the model: quoted words, or a script line under its cue."""

    model_config = ConfigDict(extra="forbid")
    text: str
    paragraph: int  # 0-based, among the chunk's paragraphs (scene breaks not counted)
    cue: str = ""  # a script's character cue: who speaks is written there
    parenthetical: str = ""  # a script's (beat) under the cue: how it is said, an action


class BookChunk(Record):
    text: str
    chapter: int  # 0-based, in book order
    chapter_title: str = ""
    scenes: list[int] = Field(default_factory=list)  # the chapter's scenes this chunk holds
    cut: bool = False  # the chunk ends inside its last scene (the next chunk goes on with it)
    index: int = 0  # the chunk's place in the book
    source: str = ""  # book:FILE#chapter
    script: bool = False  # a screenplay: lines under cues, action lines between
    lines: list[SpokenLine] = Field(default_factory=list)  # the spoken lines, numbered from 1 in the prompt
    cast: list[str] = Field(default_factory=list)  # the book's speakers named in this chunk


class BookTurn(BaseModel):
    """One turn: a character's speech, action and thought, or the environment (speaker "environment")."""

    model_config = ConfigDict(extra="forbid")
    speaker: str
    speech: str = ""
    action: str = ""
    thought: str = ""
    environment: str = ""


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: str = ""
    turns: list[BookTurn]


class PlotCharacter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    state: str = ""
    motivation: str = ""


class Plot(Record):
    chunk_ids: list[str]
    chapter: int
    position: int  # order in the book: chunk index * 100 + the plot's place in its chunk
    summary: str
    first_sentence: str
    last_sentence: str
    characters: list[PlotCharacter] = Field(default_factory=list)
    conversations: list[Conversation] = Field(default_factory=list)


class BookProfile(Record):
    character: str
    chapter: int  # the profile knows the chapters before this one, nothing from it on
    text: str
    plot_ids: list[str] = Field(default_factory=list)  # what it was built from


class BoundaryQA(Record):
    character: str
    chapter: int  # asked during this chapter
    later_plot_id: str  # the later event the question is about
    asker: str
    question: str
    answer: str
