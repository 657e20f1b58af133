"""`python -m bot.entry.cli` is `mems`."""

from bot.entry.cli import main

main()
