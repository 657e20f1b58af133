"""The SQL unit of work: one session, one transaction, the repositories over it; only commit() commits."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from adapters.db.members_cache import MemberCache
from adapters.db.repositories import (
    SqlAnomalyRepository,
    SqlApprovalRepository,
    SqlAuditRepository,
    SqlCampaignRepository,
    SqlExperimentRepository,
    SqlGoalRepository,  # goals, A/B tests, retrospectives
    SqlLedgerRepository,
    SqlMemberRepository,
    SqlMetricsRepository,
    SqlOutboxRepository,
    SqlPortfolioRepository,
    SqlRetroRepository,
    SqlSignInRepository,
    SqlSubscriptionRepository,
    SqlTaskRepository,
    SqlTokenRepository,
    SqlWorkspaceRepository,
)
from adapters.db.repositories.base import duplicate_is_conflict, is_transient
from bot.ports import StorageUnavailable
from domain.ports import (
    AnomalyRepository,
    ApprovalRepository,
    AuditRepository,
    CampaignRepository,
    ExperimentRepository,
    GoalRepository,  # goals, A/B tests, retrospectives
    LedgerRepository,
    MemberRepository,
    MetricsRepository,
    OutboxRepository,
    PortfolioRepository,
    RetroRepository,
    SignInRepository,
    SubscriptionRepository,
    TaskRepository,
    TokenRepository,
    UnitOfWork,
    WorkspaceRepository,
)


class SqlUnitOfWork:
    workspaces: WorkspaceRepository
    members: MemberRepository
    campaigns: CampaignRepository
    tasks: TaskRepository
    approvals: ApprovalRepository
    ledger: LedgerRepository
    metrics: MetricsRepository
    audit: AuditRepository
    outbox: OutboxRepository
    subscriptions: SubscriptionRepository
    anomalies: AnomalyRepository
    tokens: TokenRepository
    portfolio: PortfolioRepository
    signins: SignInRepository
    goals: GoalRepository
    experiments: ExperimentRepository
    retros: RetroRepository

    def __init__(self, session_factory: Callable[[], Session], members: MemberCache | None = None) -> None:
        self.session_factory = session_factory
        self.members_cache = members  # the process's members kept between transactions (members_cache.py)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with`")
        return self._session

    def __enter__(self) -> Self:
        session = self._session = self.session_factory()
        self.workspaces = SqlWorkspaceRepository(session)
        self.members = SqlMemberRepository(session, self.members_cache)
        self.campaigns = SqlCampaignRepository(session)
        self.tasks = SqlTaskRepository(session)
        self.approvals = SqlApprovalRepository(session)
        self.ledger = SqlLedgerRepository(session)
        self.metrics = SqlMetricsRepository(session)
        self.audit = SqlAuditRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.subscriptions = SqlSubscriptionRepository(session)
        self.anomalies = SqlAnomalyRepository(session)
        self.tokens = SqlTokenRepository(session)
        self.portfolio = SqlPortfolioRepository(session)
        self.signins = SqlSignInRepository(session)
        self.goals = SqlGoalRepository(session)
        self.experiments = SqlExperimentRepository(session)
        self.retros = SqlRetroRepository(session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Whatever was not committed is thrown away, error or not.
        session, self._session = self.session, None
        try:
            session.rollback()
        except SQLAlchemyError:
            if exc is None or not is_transient(exc):
                raise
        finally:
            session.close()
        if exc is not None and is_transient(exc):  # the caller may run the whole unit of work again
            raise StorageUnavailable(type(getattr(exc, "orig", None) or exc).__name__) from exc

    def commit(self) -> None:
        # Rows added without a flush (audit entries) reach the database only here; a duplicate key among them
        # means the same as one caught at flush time.
        with duplicate_is_conflict("commit"):
            self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def _conforms(factory: Callable[[], Session]) -> UnitOfWork:
    return SqlUnitOfWork(factory)  # mypy checks here that SqlUnitOfWork is a UnitOfWork
