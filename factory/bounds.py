"""Upper bounds of a recipe's counts, shared by every config block.

Far above any real run (a million samples, 128K-token replies), far below what fills a disk or
memory before the first request: a typo or a hostile `scenes.total: 1000000000` fails at load.
"""

MAX_COUNT = 1_000_000  # scenes, cards, pairs, samples
MAX_TOKENS = 262_144  # one reply; the largest output windows today are 128K
MAX_CTX = 1_048_576  # a local model's context window
MAX_SEED = 2**63 - 1
