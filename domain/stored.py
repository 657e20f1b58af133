"""Entities a repository numbers when it stores them: `pk` is that number, and asking an unsaved entity for it
is a bug that says so, rather than an `assert x.id is not None` at every use."""

from __future__ import annotations


class Unsaved(RuntimeError):
    """An entity was used as stored before its repository gave it an id."""

    def __init__(self, entity: object) -> None:
        super().__init__(f"{type(entity).__name__} has no id yet: add it to its repository first")


class Stored:
    """Mixin for dataclasses with `id: int | None = None`, None until the repository's `add`."""

    __slots__ = ()
    id: int | None

    @property
    def pk(self) -> int:
        """The stored id; raises Unsaved when there is none yet."""
        if self.id is None:
            raise Unsaved(self)
        return self.id
