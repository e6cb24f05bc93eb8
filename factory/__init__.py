"""factory: recipe-driven role-play training data, trainer and evaluation."""

__version__ = "0.1.0"
