"""`mems chat`: read commands line by line, print each reply and the notifications it caused."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TextIO

from adapters.console.render import render
from bot.cards import Reply
from bot.context import Context

PROMPT = "mems> "


def _reader(stdin: TextIO, stdout: TextIO, interactive: bool) -> Callable[[], str]:
    """One line, "" at the end. At a terminal, `input` with the standard library's readline: arrow keys move
    and recall earlier lines instead of printing ^[[A."""
    if not interactive or stdin is not sys.stdin:
        return stdin.readline
    with contextlib.suppress(ImportError):  # not on every platform (Windows)
        import readline  # noqa: F401  # the import alone gives input() line editing and history

    def read() -> str:
        try:
            return input(PROMPT) + "\n"
        except EOFError:
            stdout.write("\n")
            return ""
    return read


def run(execute: Callable[[Context, str], Reply], drain: Callable[[], Coroutine[Any, Any, int]], ctx: Context,
        stdin: TextIO, stdout: TextIO, interactive: bool, echo: bool = False) -> int:
    """Runs until end of input (or `exit`); returns the process exit code (0)."""
    if interactive:
        stdout.write(f"MEMS console as @{ctx.user} in workspace '{ctx.workspace}'. Type `help`, or `exit`.\n")
    read = _reader(stdin, stdout, interactive)
    with asyncio.Runner() as runner:
        while True:
            if interactive and read == stdin.readline:
                stdout.write(PROMPT)
                stdout.flush()
            line = read()
            if not line:
                break
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if text.lower() in ("exit", "quit", "退出"):
                break
            if echo:
                stdout.write(f"{ctx.user}> {text}\n")
            reply = execute(ctx, text)
            stdout.write(render(reply.card) + "\n")
            stdout.flush()
            runner.run(drain())
            stdout.flush()
    return 0
