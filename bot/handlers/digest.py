"""The digest scan: a workspace whose local day has reached the digest hour is due its digest (once per local
date, which the digest's key holds); what it says and to whom is bot/reactions/digest.py."""

from __future__ import annotations

from bot.env import Txn
from domain import commands as c
from domain import events as e


def scan(cmd: c.SendDigests, txn: Txn) -> None:
    for workspace in txn.uow.workspaces.all():
        local = txn.now.astimezone(workspace.tz)
        if local.hour >= txn.deps.settings.digest_hour:
            txn.record(e.DigestDue(workspace, local.date()))
