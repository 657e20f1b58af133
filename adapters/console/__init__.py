"""The local console: cards as text on a terminal, notifications printed, commands read from stdin."""
