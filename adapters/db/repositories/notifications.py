"""The write side of the outbox (one row per natural key) and channel subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, text
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import fetch, upsert
from adapters.db.tables import OutboxRow, SubscriptionRow
from domain.notifications import OutboxMessage, Subscription

ALL_CAMPAIGNS = "campaign_id IS NULL"
ONE_CAMPAIGN = "campaign_id IS NOT NULL"


class SqlOutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: OutboxMessage) -> bool:
        """Store the message unless its key exists; True when stored (and then `message.id` is set)."""
        stmt = (upsert(self.session, OutboxRow).values(**mappers.outbox_values(message))
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(col(OutboxRow.id)))
        new_id = self.session.exec(stmt).scalar_one_or_none()
        if new_id is None:
            return False
        message.id = new_id
        return True


class SqlSubscriptionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, subscription: Subscription) -> None:
        """Create, or replace the kinds of, the channel's subscription for that campaign (or for all)."""
        keys = ["workspace_id", "channel_ref"]
        if subscription.campaign_id is not None:
            keys.append("campaign_id")
        scope = ALL_CAMPAIGNS if subscription.campaign_id is None else ONE_CAMPAIGN
        stmt = upsert(self.session, SubscriptionRow).values(**mappers.subscription_values(subscription))
        stmt = stmt.on_conflict_do_update(index_elements=keys, index_where=text(scope),
                                          set_={"kinds": stmt.excluded.kinds})
        self.session.exec(stmt)

    def remove(self, workspace_id: int, channel_ref: str, campaign_id: int | None) -> bool:
        scope = (col(SubscriptionRow.campaign_id).is_(None) if campaign_id is None
                 else col(SubscriptionRow.campaign_id) == campaign_id)
        stmt = delete(SubscriptionRow).where(col(SubscriptionRow.workspace_id) == workspace_id,
                                             col(SubscriptionRow.channel_ref) == channel_ref, scope)
        return self.session.exec(stmt).rowcount > 0

    def for_workspace(self, workspace_id: int) -> Sequence[Subscription]:
        stmt = (select(SubscriptionRow).where(SubscriptionRow.workspace_id == workspace_id)
                .order_by(col(SubscriptionRow.id)))
        return [mappers.subscription(r) for r in fetch(self.session, stmt)]
