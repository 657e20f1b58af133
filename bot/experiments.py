"""Reading an A/B test: its variants' figures and what the statistics make of them."""

from __future__ import annotations

from bot import stats
from domain.abtest import Experiment, arms
from domain.ports import UnitOfWork


def result(uow: UnitOfWork, test: Experiment) -> stats.Result:
    return stats.analyse(test, arms(test, uow.experiments.variant_rows(test.pk)))
