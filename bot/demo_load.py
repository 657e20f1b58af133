"""`mems demo`: a fresh workspace filled by the generator (bot.demo) through a bulk loader, then the real anomaly
scan over it, so the dashboard and the chat show a living portfolio at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.bus import Bus, ScanResult
from bot.context import Context
from bot.demo import Generator, Plan, Size
from bot.identity import workspace_for
from bot.ports import BulkLoader
from domain.commands import ScanAnomalies
from domain.people import Platform
from domain.ports import UnitOfWork


class NotFresh(Exception):
    """The workspace already has campaigns: the demo never mixes made-up data into real work."""


@dataclass(frozen=True)
class Loaded:
    plan: Plan
    scan: ScanResult

    @property
    def counts(self) -> dict[str, int]:
        bundles = self.plan.bundles
        return {"people": len(self.plan.members), "campaigns": len(bundles),
                "tasks": sum(len(b.tasks) for b in bundles), "requests": sum(len(b.requests) for b in bundles),
                "metric rows": sum(len(b.metrics) for b in bundles)}


def load(uow_factory: Callable[[], UnitOfWork], loader: BulkLoader, bus: Bus, size: Size, workspace: str = "local",
         platform: Platform = Platform.CONSOLE, seed: int = 7, scan: bool = True) -> Loaded:
    """`scan`: judge the recent days for anomalies as the scheduler would (about 40 ms per running campaign); a
    benchmark that only needs the rows may skip it."""
    now = bus.clock.now()
    settings = bus.deps.settings
    with uow_factory() as uow:
        found = workspace_for(uow, Context(platform=platform, workspace=workspace, user="mems"), settings)
        if found.id is not None and uow.campaigns.list(found.pk):
            raise NotFresh(workspace)
        if uow.members.all(found.pk):
            raise NotFresh(workspace)
        uow.commit()
    plan = Generator(found.pk, found.currency, found.tz, now, bus.deps.policy, seed).plan(size)
    loader.members(plan.members)
    loader.bundles(plan.bundles)
    return Loaded(plan, bus.run_system(ScanAnomalies(at=now)) if scan else ScanResult("ScanAnomalies (skipped)"))
