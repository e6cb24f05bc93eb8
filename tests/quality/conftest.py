"""Sample builders for the gate's tests."""

from __future__ import annotations

import pytest

from factory.records import Message, Sample


def sample(
    sid: str,
    *lines: str,
    character: str = "贝多芬",
    language: str = "zh",
    user: str = "你好，今天过得怎么样？",
    type_: str = "experience",
) -> Sample:
    """A dialogue: the user speaks before each character line."""
    messages = []
    for line in lines:
        messages.append(Message(role="user", content=user))
        messages.append(Message(role="assistant", content=line, train=True))
    return Sample(
        id=sid, type=type_, character=character, language=language, system="你是贝多芬。", messages=messages
    )


@pytest.fixture
def make_sample():
    return sample
