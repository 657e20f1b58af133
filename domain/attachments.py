"""Attachments of a budget request: a quote or a contract, each a name and a web link (http or https only)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from domain.errors import InvalidInput

MAX_URL = 1000
MAX_NAME = 120
MAX_ATTACHMENTS = 10
# Kept as typed, except what could end a link in Slack (`<url|name>`) or Feishu (`[name](url)`) markup.
SAFE = "/:?#[]@!$&'*+,;=%-._~"


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    url: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("attach", "attachment_name_empty")


def link(url: str, name: str = "") -> Attachment:
    """An attachment from a typed or shared link; its name is the file name in the link unless one is given."""
    raw = url.strip()
    if raw.startswith("<") and raw.endswith(">"):  # Slack sends a typed link as <https://…> or <https://…|text>
        raw = raw[1:-1].split("|", 1)[0]
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(raw) > MAX_URL:
        raise InvalidInput("attach", "bad_attachment", value=url[:80])
    if any(c.isspace() for c in raw):
        raise InvalidInput("attach", "bad_attachment", value=url[:80])
    safe = quote(raw, safe=SAFE).replace("(", "%28").replace(")", "%29")
    return Attachment(_name(name, parts.path, parts.hostname), safe)


def _name(given: str, path: str, host: str) -> str:
    found = given.strip() or unquote(path.rstrip("/").rsplit("/", 1)[-1]) or host
    return found[:MAX_NAME]


def merged(current: tuple[Attachment, ...], more: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """The attachments with `more` added, each link once, at most MAX_ATTACHMENTS."""
    found = list(current)
    for item in more:
        if all(item.url != kept.url for kept in found):
            found.append(item)
    if len(found) > MAX_ATTACHMENTS:
        raise InvalidInput("attach", "too_many_attachments", limit=MAX_ATTACHMENTS)
    return tuple(found)
