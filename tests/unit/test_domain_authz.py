"""Who may do what: the "who may" column of the command reference as a table."""

from __future__ import annotations

import pytest

from domain import authz
from domain.authz import Who
from domain.errors import NotAllowed
from domain.people import Member, Role
from tests.unit.domain_builders import campaign, member, task

CAMPAIGN = campaign(owner="olive")
TASK = task(assignee="li")
PEOPLE = {
    "owner": member("olive"),
    "assignee": member("li"),
    "manager": member("mia", Role.MANAGER),
    "finance": member("fay", Role.FINANCE),
    "admin": member("ada", Role.ADMIN),
    "member": member("bob"),
}
# rule -> who of PEOPLE passes it (commands.md, "who may")
TABLE = [
    (authz.RUN_CAMPAIGN, {"owner", "manager", "admin"}),
    (authz.WORK_TASK, {"assignee", "owner", "manager", "admin"}),
    (authz.RECORD_SPEND, {"owner", "finance", "admin"}),
    (authz.ADMIN_ONLY, {"admin"}),
    (authz.SUBSCRIBERS, {"manager", "admin", "owner"}),
    ((Who.ANYONE,), set(PEOPLE)),
]


@pytest.mark.parametrize(("rule", "allowed"), TABLE, ids=["run", "work", "spend", "admin", "subscribe", "anyone"])
@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_authz_table(rule: tuple[Who, ...], allowed: set[str], person: str) -> None:
    if person in allowed:
        authz.require("act", PEOPLE[person], rule, CAMPAIGN, TASK)
        return
    with pytest.raises(NotAllowed) as caught:
        authz.require("act", PEOPLE[person], rule, CAMPAIGN, TASK)
    assert caught.value.params == {"action": "act", "allowed": tuple(w.value for w in rule)}


def test_owner_and_assignee_need_the_campaign_and_task_to_be_known() -> None:
    assert not authz.holds(PEOPLE["owner"], Who.OWNER)
    assert not authz.holds(PEOPLE["assignee"], Who.ASSIGNEE)
    assert authz.holds(PEOPLE["owner"], Who.OWNER, CAMPAIGN)
    assert authz.holds(PEOPLE["assignee"], Who.ASSIGNEE, task=TASK)


def test_an_unassigned_task_has_no_assignee() -> None:
    assert not authz.holds(member("li"), Who.ASSIGNEE, task=task(assignee=None))


def test_several_roles_count_each() -> None:
    both = Member(1, "max", roles={Role.MANAGER, Role.FINANCE})
    authz.require("spend", both, authz.RECORD_SPEND, CAMPAIGN)
    authz.require("run", both, authz.RUN_CAMPAIGN, CAMPAIGN)
    with pytest.raises(NotAllowed):
        authz.require("grant", both, authz.ADMIN_ONLY)
