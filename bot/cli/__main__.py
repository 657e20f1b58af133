"""`python -m bot.cli` is `mems`."""

from bot.cli import main

main()
