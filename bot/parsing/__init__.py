"""The command language: text in, a typed command (or a ParseError that shows the right form) out."""

from bot.parsing.errors import ParseError
from bot.parsing.parser import ParseContext, build, parse

__all__ = ["ParseContext", "ParseError", "build", "parse"]
