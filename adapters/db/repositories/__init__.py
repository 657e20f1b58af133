"""One repository per Protocol of domain.ports, each bound to the unit of work's session."""

from adapters.db.repositories.alerts import SqlAnomalyRepository, SqlTokenRepository
from adapters.db.repositories.approvals import SqlApprovalRepository
from adapters.db.repositories.campaigns import SqlCampaignRepository, SqlTaskRepository
from adapters.db.repositories.experiments import SqlExperimentRepository  # A/B tests
from adapters.db.repositories.goals import SqlGoalRepository  # goals, A/B tests, retrospectives
from adapters.db.repositories.notifications import SqlOutboxRepository, SqlSubscriptionRepository
from adapters.db.repositories.people import SqlMemberRepository, SqlWorkspaceRepository
from adapters.db.repositories.portfolio import SqlPortfolioRepository
from adapters.db.repositories.records import SqlAuditRepository, SqlLedgerRepository, SqlMetricsRepository
from adapters.db.repositories.retro import SqlRetroRepository  # retrospectives
from adapters.db.repositories.signins import SqlSignInRepository

__all__ = [
    "SqlAnomalyRepository",
    "SqlApprovalRepository",
    "SqlAuditRepository",
    "SqlCampaignRepository",
    "SqlExperimentRepository",
    "SqlGoalRepository",
    "SqlLedgerRepository",
    "SqlMemberRepository",
    "SqlMetricsRepository",
    "SqlOutboxRepository",
    "SqlPortfolioRepository",
    "SqlRetroRepository",
    "SqlSignInRepository",
    "SqlSubscriptionRepository",
    "SqlTaskRepository",
    "SqlTokenRepository",
    "SqlWorkspaceRepository",
]
