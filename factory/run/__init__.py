"""The run machinery: pipeline, run directory, lock, progress, endpoints; no role-play in here."""
