"""The write side of the outbox (one row per natural key) and channel subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, cast, delete, or_, text, update
from sqlmodel import Session, col, select

from adapters.db import mappers
from adapters.db.repositories.base import fetch, upsert
from adapters.db.tables import OutboxRow, SubscriptionRow
from domain.notifications import AlertKind, DeliveryStatus, OutboxMessage, Subscription

ALL_CAMPAIGNS = "campaign_id IS NULL"
ONE_CAMPAIGN = "campaign_id IS NOT NULL"
RETIRED = "~"  # a retracted message's key ends in ~<id>: its natural key is free for the alert to come again
STANDING = (DeliveryStatus.PENDING.value, DeliveryStatus.SENT.value)


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

    def add_many(self, messages: Sequence[OutboxMessage]) -> Sequence[bool]:
        """INSERT ... ON CONFLICT DO NOTHING for all, sent as few multi-row statements (SQLAlchemy's
        "insertmanyvalues", one compiled statement); the keys it returns are the rows stored."""
        by_key: dict[str, dict[str, object]] = {}
        for m in messages:  # a key given twice: the first, as one `add` after another would store
            by_key.setdefault(m.key, mappers.outbox_values(m))
        stmt = (upsert(self.session, OutboxRow).on_conflict_do_nothing(index_elements=["key"])
                .returning(col(OutboxRow.id), col(OutboxRow.key)))
        stored: dict[str, int] = {}
        if by_key:
            stored = {k: i for i, k in self.session.execute(stmt, list(by_key.values())).all()}
        found = []
        for message in messages:
            new_id = stored.pop(message.key, None)  # a key given twice is stored once
            if new_id is not None:
                message.id = new_id
            found.append(new_id is not None)
        return found

    def about(self, entity: str, kinds: Sequence[AlertKind]) -> Sequence[OutboxMessage]:
        stmt = (select(OutboxRow).where(col(OutboxRow.entity) == entity,
                                        col(OutboxRow.kind).in_([str(k) for k in kinds]),
                                        col(OutboxRow.status).in_(STANDING),
                                        col(OutboxRow.key).not_like(f"%{RETIRED}%"))
                .order_by(col(OutboxRow.id)))
        return [mappers.outbox(row) for row in self.session.exec(stmt).all()]

    def retract(self, message_ids: Sequence[int], now: datetime) -> Sequence[int]:
        ids = list(message_ids)
        if not ids:
            return []
        retired = col(OutboxRow.key) + RETIRED + cast(col(OutboxRow.id), String)
        unsent = (update(OutboxRow)
                  .where(col(OutboxRow.id).in_(ids), text("status = 'pending'"),
                         or_(col(OutboxRow.lease_until).is_(None), col(OutboxRow.lease_until) < now))
                  .values(status=DeliveryStatus.DROPPED.value, key=retired, **{"lease_owner": None})
                  .returning(col(OutboxRow.id)))
        dropped = set(self.session.exec(unsent).scalars().all())
        rest = [i for i in ids if i not in dropped]
        if not rest:
            return []
        sent = (update(OutboxRow).where(col(OutboxRow.id).in_(rest), col(OutboxRow.key).not_like(f"%{RETIRED}%"))
                .values(key=retired).returning(col(OutboxRow.id)))
        return sorted(self.session.exec(sent).scalars().all())


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
