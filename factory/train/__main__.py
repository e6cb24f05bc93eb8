"""`python -m factory.train sft|dpo --config train.yaml`: the entry `accelerate launch -m factory.train` uses.

It is the same click group as `factory train` (one set of flags, one error style), defined in
factory/train/commands.py; the trainer imports nothing from factory/cli or factory/stages.
"""

from factory.train.commands import train_group

if __name__ == "__main__":
    train_group(prog_name="python -m factory.train")
