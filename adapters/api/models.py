"""What the REST API reads and writes, as pydantic models: they document /openapi.json. Money is a string."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class MetricRowIn(BaseModel):
    """One day of one campaign (and channel). Money as a string or a number, exact to the cent."""

    campaign: str = Field(examples=["C-1"], pattern=r"^[Cc]-?\d+$")
    date: date
    channel: str = Field(default="", max_length=64, examples=["douyin"])
    spend: str | float = Field(examples=["1000.00"])
    impressions: int = Field(ge=0, examples=[100000])
    clicks: int = Field(ge=0, examples=[1500])
    conversions: int = Field(ge=0, examples=[60])
    revenue: str | float = Field(examples=["4000.00"])


class Stored(BaseModel):
    stored: int


class RowErrorOut(BaseModel):
    index: int | None = Field(description="position of the row in `rows`; null when the body itself is wrong")
    field: str
    message: str


class Rejected(BaseModel):
    errors: list[RowErrorOut]


class Problem(BaseModel):
    error: str


class CampaignOut(BaseModel):
    id: str
    name: str
    status: str
    owner: str
    currency: str
    start: date | None
    end: date | None
    launch: date | None
    budget: str | None
    kpi_targets: dict[str, str]


class CampaignDetail(CampaignOut):
    approved: str
    spent: str
    remaining: str
    spend: str
    revenue: str
    impressions: int
    clicks: int
    conversions: int
    roi: str | None  # all-in: revenue over media spend and fees
    roi_media: str | None = None  # revenue over media spend alone
    ctr: str | None
    cvr: str | None
    cpc: str | None
    cpa: str | None


class TaskOut(BaseModel):
    id: str
    campaign: str
    title: str
    status: str
    assignee: str | None
    due: datetime | None
    done_at: datetime | None


class ApprovalOut(BaseModel):
    id: str
    campaign: str
    requester: str
    amount: str
    currency: str
    reason: str
    status: str
    steps: list[str]
    current_step: int | None
    created_at: datetime
