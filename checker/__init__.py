"""granska: a pre-assessment (förbedömning) of a kommun's practices against audit criteria."""

__version__ = "0.1.0"
