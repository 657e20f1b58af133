"""The dashboard's reads for goals and retrospectives (issue 13): the goal tree as the `goals` command shows it, and a
campaign's retrospective as `retro C-1` drafts it, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.goals import GoalTree
from bot.pages import Reader, names
from bot.presenters import goals as goal_view
from bot.presenters import retro as retro_view
from bot.retro import gather
from domain.campaign import Campaign
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class GoalsPage:
    rows: list[tuple[int, str, str]]  # (depth, G-ref, the goal's line)
    names: dict[str, str]


@dataclass(frozen=True)
class RetroPage:
    campaign: Campaign
    title: str
    sections: list[tuple[str, list[str]]]
    markdown: str
    names: dict[str, str]


def goals_page(uow: UnitOfWork, reader: Reader) -> GoalsPage:
    lang, currency = reader.member.lang_in(reader.workspace), reader.workspace.currency
    tree = GoalTree(uow, uow.goals.list(reader.workspace.pk))
    rows = [(depth, g.ref, goal_view.line(tree.progress(g, reader.today), currency, lang))
            for depth, g in tree.ordered()]
    return GoalsPage(rows, names(uow, reader.workspace.pk))


def retro_page(uow: UnitOfWork, reader: Reader, number: int) -> RetroPage | None:
    """None for a campaign that does not exist or is another workspace's."""
    campaign = uow.campaigns.get(number, reader.workspace.pk)
    if campaign is None:
        return None
    lang, tz = reader.member.lang_in(reader.workspace), reader.member.tz_in(reader.workspace)
    retro = gather(uow, campaign, reader.now)
    return RetroPage(campaign, retro_view.title(retro, lang), retro_view.document(retro, tz, lang),
                     retro_view.markdown(retro, tz, lang), names(uow, reader.workspace.pk))
