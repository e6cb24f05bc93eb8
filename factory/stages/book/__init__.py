"""The book route: scenes and conversations extracted from a book or script, verified, trained per character."""
