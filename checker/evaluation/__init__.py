"""Evaluation: criteria statuses from the engine, verdicts, citations and texts."""
