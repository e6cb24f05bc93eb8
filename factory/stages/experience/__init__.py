"""The experience route (Character-LLM): scenes from the profile, then interactions, protection, grounding."""
