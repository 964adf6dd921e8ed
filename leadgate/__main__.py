"""`python -m leadgate` runs the CLI."""

from leadgate.cli import main

main()
