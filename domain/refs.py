"""Human ids: C-12 for campaigns, T-3 for tasks, A-7 for approval requests."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.errors import InvalidInput


class Kind(StrEnum):
    CAMPAIGN = "C"
    TASK = "T"
    APPROVAL = "A"
    GOAL = "G"  # goals and A/B tests (issue 13)
    EXPERIMENT = "X"


_REF = re.compile(r"^([CTAGXctagx])-?([0-9]{1,12})$")
# Ids are 32-bit in the database: a larger number names nothing (it must not reach a query and overflow there).
MAX_NUMBER = 2**31 - 1


def fmt(kind: Kind, number: int) -> str:
    return f"{kind.value}-{number}"


def campaign(number: int) -> str:
    return fmt(Kind.CAMPAIGN, number)


def task(number: int) -> str:
    return fmt(Kind.TASK, number)


def approval(number: int) -> str:
    return fmt(Kind.APPROVAL, number)


def goal(number: int) -> str:
    return fmt(Kind.GOAL, number)


def experiment(number: int) -> str:
    return fmt(Kind.EXPERIMENT, number)


def match(text: str) -> tuple[Kind, int] | None:
    found = _REF.match(text)
    if not found or int(found.group(2)) > MAX_NUMBER:
        return None
    return Kind(found.group(1).upper()), int(found.group(2))


def parse(text: str, expected: Kind | None = None) -> tuple[Kind, int]:
    found = match(text)
    if found is None or (expected is not None and found[0] is not expected):
        raise InvalidInput("id", "bad_id", value=text, expected=expected.value if expected else "C/T/A")
    return found
