"""Loss masks: only the character's own turns (content + <|im_end|>) are trained, token by token."""

from __future__ import annotations

import pytest

from factory.train.masks import chatml_pieces, encode_conversation

pytestmark = pytest.mark.train

KNOWN = [
    {"role": "system", "content": "You are Anna."},
    {"role": "user", "content": "Who?"},
    {"role": "assistant", "content": "Karl: Ask her.", "weight": 0},  # another character, context only
    {"role": "user", "content": "Anna?"},
    {"role": "assistant", "content": "I am Anna."},
]
# (token, trained) for every token of KNOWN rendered as Qwen ChatML.
EXPECTED = [
    ("<|im_start|>", 0),
    ("system", 0),
    ("\n", 0),
    ("You", 0),
    (" are", 0),
    (" Anna", 0),
    (".", 0),
    ("<|im_end|>", 0),
    ("\n", 0),
    ("<|im_start|>", 0),
    ("user", 0),
    ("\n", 0),
    ("Who", 0),
    ("?", 0),
    ("<|im_end|>", 0),
    ("\n", 0),
    ("<|im_start|>", 0),
    ("assistant", 0),
    ("\n", 0),
    ("K", 0),
    ("arl", 0),
    (":", 0),
    (" Ask", 0),
    (" her", 0),
    (".", 0),
    ("<|im_end|>", 0),
    ("\n", 0),
    ("<|im_start|>", 0),
    ("user", 0),
    ("\n", 0),
    ("Anna", 0),
    ("?", 0),
    ("<|im_end|>", 0),
    ("\n", 0),
    ("<|im_start|>", 0),
    ("assistant", 0),
    ("\n", 0),
    ("I", 1),
    (" am", 1),
    (" Anna", 1),
    (".", 1),
    ("<|im_end|>", 1),
    ("\n", 0),
]


def test_mask_token_by_token(qwen_tok):
    enc = encode_conversation(qwen_tok, KNOWN)
    got = [(qwen_tok.decode([i]), m) for i, m in zip(enc.input_ids, enc.assistant_masks, strict=True)]
    assert got == EXPECTED
    trained = [i for i, m in zip(enc.input_ids, enc.assistant_masks, strict=True) if m]
    assert trained[-1] == 151645  # eos = <|im_end|>


def test_tokens_equal_qwen_template_and_chatml(qwen_tok):
    from factory.train.templates import CHATML_TEMPLATE

    enc = encode_conversation(qwen_tok, KNOWN)
    assert qwen_tok.apply_chat_template(KNOWN, tokenize=True, return_dict=False) == enc.input_ids  # Qwen2.5's
    text = qwen_tok.apply_chat_template(KNOWN, tokenize=False, chat_template=CHATML_TEMPLATE)
    assert text == "".join(p for p, _ in chatml_pieces(KNOWN))


def test_model_template_mode_matches_chatml(qwen_tok):
    assert encode_conversation(qwen_tok, KNOWN, "model") == encode_conversation(qwen_tok, KNOWN, "chatml")


def test_unstable_template_is_refused(qwen_tok):
    """A template that renders the last turn differently cannot be masked by prefixes: say so."""
    unstable = (
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}"
        "{% if loop.last %} [END]{% endif %}\n{% endfor %}"
    )

    class Tok:
        def apply_chat_template(self, msgs, **kw):
            return qwen_tok.apply_chat_template(msgs, chat_template=unstable, **kw)

    with pytest.raises(ValueError, match="template: .*use `template: chatml`"):
        encode_conversation(Tok(), KNOWN, "model")


def test_only_context_turns_means_nothing_trained(qwen_tok):
    msgs = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Karl: Hello.", "weight": 0}]
    assert encode_conversation(qwen_tok, msgs).trained == 0


def test_labels_reach_the_trainer(qwen_tok, tmp_path):
    """TRL turns our masks into labels: -100 except the trained tokens, also after collation."""
    pytest.importorskip("trl")
    from factory.train.config import SFTTrainConfig
    from factory.train.sft import make_sft_trainer, sft_args, tokenize_conversations
    from factory.train.tiny import random_qwen2

    from .conftest import FAST

    cfg = SFTTrainConfig(model="x", data=[tmp_path], output_dir=tmp_path / "o", finetune="full", **FAST)
    ds, report = tokenize_conversations([KNOWN, KNOWN[:2]], qwen_tok, "chatml")
    assert report.dropped == {"no_target": 1} and len(ds) == 1
    trainer = make_sft_trainer(sft_args(cfg, qwen_tok, False, False), random_qwen2(), None, qwen_tok, ds)
    row = trainer.train_dataset[0]
    enc = encode_conversation(qwen_tok, KNOWN)
    want = [i if m else -100 for i, m in zip(enc.input_ids, enc.assistant_masks, strict=True)]
    assert row["labels"] == want
    batch = trainer.data_collator([row])
    assert batch["labels"][0].tolist() == want


def test_packing_keeps_each_conversations_mask(qwen_tok, tmp_path):
    """Packed rows carry the same labels, and the collator restarts positions per conversation."""
    pytest.importorskip("trl")
    from factory.train.config import SFTTrainConfig
    from factory.train.sft import make_sft_trainer, sft_args, tokenize_conversations
    from factory.train.tiny import random_qwen2

    from .conftest import FAST

    short = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]
    cfg = SFTTrainConfig(
        model="x",
        data=[tmp_path],
        output_dir=tmp_path / "o",
        finetune="full",
        packing=True,
        **{**FAST, "max_length": 128},
    )
    ds, _ = tokenize_conversations([KNOWN, short], qwen_tok, "chatml")
    trainer = make_sft_trainer(sft_args(cfg, qwen_tok, False, False), random_qwen2(), None, qwen_tok, ds)
    [row] = list(trainer.train_dataset)
    labels = [
        [i if m else -100 for i, m in zip(e.input_ids, e.assistant_masks, strict=True)]
        for e in (encode_conversation(qwen_tok, KNOWN), encode_conversation(qwen_tok, short))
    ]
    assert row["seq_lengths"] == [len(labels[0]), len(labels[1])]  # best-fit decreasing: longest first
    assert row["labels"] == labels[0] + labels[1]
    batch = trainer.data_collator([row])
    assert batch["position_ids"][0].tolist() == list(range(len(labels[0]))) + list(range(len(labels[1])))
