"""test.decided: a test's rule decided; the campaign's home channel hears it once (the key names the test)."""

from __future__ import annotations

from bot import experiments
from bot.env import Txn
from bot.outbox import Channel, Notice, post
from bot.presenters import experiments as view
from domain import events as e
from domain.notifications import AlertKind


def announce(event: e.TestDecided, txn: Txn) -> None:
    campaign, test = event.campaign, event.test
    workspace = txn.workspace_of(campaign.workspace_id)
    result = experiments.result(txn.uow, test)
    notice = Notice(AlertKind.TEST_DECIDED, lambda lang: view.decided_card(test, campaign, result, lang), test.ref,
                    "decided")
    post(txn, workspace, Channel(campaign.home_channel), notice)
