"""The persona route: synthetic persona cards and multi-turn sessions with them."""
