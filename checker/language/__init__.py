"""The rule language: conditions, fact values by type, verdict policies."""
