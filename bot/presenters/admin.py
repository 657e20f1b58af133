"""Cards for help, roles, templates, personal settings and subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Card, Field, Section, Tone
from bot.catalog import TemplateCatalog
from bot.i18n import tr
from bot.parsing.grammar import TABLE, Spec
from bot.presenters import fmt, usage
from domain.notifications import Subscription
from domain.people import Member, Role, Workspace


def _matches(spec: Spec, topic: str) -> bool:
    names = [spec.name, *spec.aliases]
    return any(topic == n.lower() or topic == n.split()[0].lower() for n in names)


def help_card(topic: str | None, lang: str) -> Card:
    if topic:
        wanted = topic.strip().lower()
        specs = [s for s in TABLE if _matches(s, wanted)]
        if specs:
            sections = []
            for s in specs:
                lines = [f"`{usage.localized(s, s.usage, lang)}`", s.summary(lang),
                         tr(lang, "label.alias", alias=usage.other_names(s, lang).replace(" / ", ", ")),
                         tr(lang, "label.who_may", who=s.who)]
                lines += [tr(lang, "example", example=usage.localized(s, e, lang)) for e in s.examples]
                sections.append(Section("\n".join(lines)))
            return Card(title=tr(lang, "title.help_topic", topic=fmt.user_text(topic)), sections=tuple(sections))
    lines = [f"{usage.localized(s, s.usage, lang)}  ({usage.other_names(s, lang)})\n    {s.summary(lang)}"
             for s in TABLE]
    intro = tr(lang, "help.intro") if not topic else tr(lang, "help.unknown_topic", topic=fmt.user_text(topic))
    return Card(title=tr(lang, "title.help"), sections=(Section(intro), Section("\n".join(lines), True)),
                footer=tr(lang, "help.footer"))


def roles_card(members: Sequence[Member], lang: str) -> Card:
    fields = []
    for role in Role:
        holders = [fmt.mention(m.user_ref, lang) for m in members if role in m.roles]
        fields.append(Field(fmt.enum(lang, "role", role.value), ", ".join(holders) or "—"))
    return Card(title=tr(lang, "title.roles"), fields=tuple(fields), footer=tr(lang, "hint.roles"))


def role_changed(member: Member, role: Role, grant: bool, changed: bool, lang: str) -> Card:
    key = ("label.role_granted" if grant else "label.role_revoked") if changed else (
        "label.role_already" if grant else "label.role_not_held")
    text = tr(lang, key, user=fmt.mention(member.user_ref, lang), role=fmt.enum(lang, "role", role.value))
    return Card(title="", tone=Tone.SUCCESS if changed else Tone.INFO, sections=(Section(text),))


def templates_card(catalog: TemplateCatalog, lang: str) -> Card:
    sections = []
    for name in catalog.names():
        t = catalog.templates[name]
        anchor = tr(lang, f"label.anchor_{t.anchor}")
        lines = [f"{task.offset_days:+d}d  {fmt.user_text(task.title_in(lang))} · "
                 f"{fmt.enum(lang, 'sop_role', task.role)} → {fmt.user_text(task.deliverable_in(lang))}"
                 for task in t.tasks]
        heading = f"{fmt.user_text(t.name)} — {fmt.user_text(t.title_in(lang))} ({anchor})"
        sections.append(Section(heading + "\n" + "\n".join(lines)))
    for name, error in sorted(catalog.broken.items()):
        sections.append(Section(tr(lang, "label.template_broken", name=fmt.user_text(name),
                                   error=fmt.user_text(str(error)))))
    return Card(title=tr(lang, "title.templates"), sections=tuple(sections), footer=tr(lang, "hint.templates"))


def settings_card(member: Member, workspace: Workspace, lang: str, changed: bool) -> Card:
    default = tr(lang, "label.default")
    fields = (Field(tr(lang, "label.timezone"), fmt.user_text(member.timezone or f"{workspace.timezone} ({default})")),
              Field(tr(lang, "label.language"), fmt.user_text(member.lang or f"{workspace.lang} ({default})")),
              Field(tr(lang, "label.quiet"), str(member.quiet) if member.quiet else tr(lang, "label.off")),
              Field(tr(lang, "label.away"), tr(lang, "label.away_value", until=fmt.day(member.away.until, lang),
                                               user=fmt.mention(member.away.delegate, lang))
                    if member.away else tr(lang, "label.off")))
    title = tr(lang, "title.settings_saved" if changed else "title.settings")
    return Card(title=title, tone=Tone.SUCCESS if changed else Tone.NEUTRAL, fields=fields,
                footer=tr(lang, "hint.settings"))


def subscription_card(sub: Subscription | None, scope: str, removed: bool, lang: str) -> Card:
    if sub is not None:
        text = tr(lang, "label.subscribed", scope=fmt.user_text(scope), kinds=", ".join(sorted(sub.kinds)))
        return Card(title="", tone=Tone.SUCCESS, sections=(Section(text),))
    key = "label.unsubscribed" if removed else "label.not_subscribed"
    return Card(title="", tone=Tone.INFO, sections=(Section(tr(lang, key, scope=fmt.user_text(scope))),))
