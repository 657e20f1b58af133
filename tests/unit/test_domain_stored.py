"""Stored entities: `pk` is the id a repository gave; an unsaved one says so instead of passing None along."""

from __future__ import annotations

import pytest

from domain.stored import Unsaved
from tests.unit.domain_builders import campaign


def test_pk_is_the_stored_id() -> None:
    c = campaign()
    c.id = 12
    assert c.pk == 12


def test_an_unsaved_entity_has_no_pk_and_the_error_names_it() -> None:
    c = campaign()
    c.id = None
    with pytest.raises(Unsaved, match="Campaign has no id yet"):
        _ = c.pk
