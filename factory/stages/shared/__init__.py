"""Helpers both routes use: reply parsing, speech/thought/action markup, names of people."""
