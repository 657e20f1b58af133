"""`mems chat`: read commands line by line, print each reply and the notifications it caused."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TextIO

from adapters.console.render import render
from bot.cards import Reply
from bot.context import Context

PROMPT = "mems> "


def run(execute: Callable[[Context, str], Reply], drain: Callable[[], Coroutine[Any, Any, int]], ctx: Context,
        stdin: TextIO, stdout: TextIO, interactive: bool, echo: bool = False) -> int:
    """Runs until end of input (or `exit`); returns the process exit code (0)."""
    if interactive:
        stdout.write(f"MEMS console as @{ctx.user} in workspace '{ctx.workspace}'. Type `help`, or `exit`.\n")
    with asyncio.Runner() as runner:
        while True:
            if interactive:
                stdout.write(PROMPT)
                stdout.flush()
            line = stdin.readline()
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
