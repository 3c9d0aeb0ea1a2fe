"""`python -m corroborate` runs the CLI."""

from corroborate.cli import main

main()
