"""Exact bounds over unknown facts: domains, status tables, search, sensitivity, the way up."""
