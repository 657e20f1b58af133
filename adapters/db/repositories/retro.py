"""The team's notes on a campaign's retrospective (issue 13)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from adapters.db.repositories.base import fetch, insert
from adapters.db.tables import RetroNoteRow
from domain.retro import RetroNote


class SqlRetroRepository:
    def __init__(self, session: Session) -> None:
        self.db = session

    def add_note(self, note: RetroNote) -> RetroNote:
        row = RetroNoteRow(workspace_id=note.workspace_id, campaign_id=note.campaign_id, author=note.author,
                           at=note.at, text=note.text)
        note.id = insert(self.db, row, "retrospective note")
        return note

    def notes(self, campaign_id: int) -> Sequence[RetroNote]:
        stmt = select(RetroNoteRow).where(RetroNoteRow.campaign_id == campaign_id).order_by(col(RetroNoteRow.id))
        return [RetroNote(r.workspace_id, r.campaign_id, r.author, r.at, r.text, r.id) for r in fetch(self.db, stmt)]
