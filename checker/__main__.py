"""`python -m checker` runs the granska command line."""

from checker.cli import main

main()
