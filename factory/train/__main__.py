"""`python -m factory.train sft|dpo --config train.yaml`: the entry `accelerate launch -m factory.train` uses.

It is the same click group as `factory train` (one set of flags, one error style); this launch
shim is the one place outside factory/cli that reaches into it.
"""

from factory.cli.train import train_group

if __name__ == "__main__":
    train_group(prog_name="python -m factory.train")
