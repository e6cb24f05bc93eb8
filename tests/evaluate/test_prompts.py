"""Every eval/chat prompt renders in both languages with exactly the values the code passes."""

import pytest

from factory import prompts

TASKS = {
    "eval_questions": ("character", "k", "topic", "excerpt"),
    "eval_interviewer": ("character", "topic", "excerpt", "transcript"),
    "judge_memorization": ("character", "reference", "question", "answer"),
    "judge_values": ("character", "reference", "question", "answer"),
    "judge_personality": ("character", "reference", "question", "answer"),
    "judge_hallucination": ("character", "reference", "question", "answer"),
    "judge_stability": ("character", "reference", "transcript"),
    "judge_memory": ("character", "fact", "hint", "question", "answer"),
    "judge_pairwise": ("character", "reference", "question", "answer_a", "answer_b"),
    "judge_fool": ("character", "context", "line_1", "line_2"),
    "judge_knowledge": ("character", "timeline", "test", "question", "answer"),
    "egos_extract": ("character", "profile"),
    "egos_summarize": ("character", "summary", "lines"),
}
MARKER = {
    "judge_memory": '"choice": "yes"',
    "judge_pairwise": '"choice": "A"',
    "judge_fool": '"choice": "1"',
    "judge_knowledge": '"choice": "within"',
}


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("task", sorted(TASKS))
def test_prompt_uses_every_value(task, language):
    values = {k: f"<{k.upper()}>" for k in TASKS[task]}
    messages = prompts.render(task, language, **values)
    text = "\n".join(m["content"] for m in messages)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "{{" not in text and all(v in text for v in values.values())
    if task.startswith("judge_"):  # the JSON the verdict schema asks for, with English keys in both languages
        assert '{"reasoning": ' in text and MARKER.get(task, '"score": N') in text
