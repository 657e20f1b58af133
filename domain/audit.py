"""The audit trail: who did what to which campaign, task or request, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    workspace_id: int
    entity: str  # C-1, T-4, A-2
    action: str  # e.g. "campaign.created", "approval.approved"
    actor: str
    at: datetime
    campaign_id: int | None = None
    detail: dict[str, str] = field(default_factory=dict)
    id: int | None = None
