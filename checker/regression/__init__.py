"""Regression testing of rules: expected outcomes, `granska test`, diff, compare, generate."""
