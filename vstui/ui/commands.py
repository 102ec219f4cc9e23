"""Command palette providers: the changes in the list, and every action bound on the screen."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from vstui.sanitize import one_line

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp

# Fuzzy-matching every change on each key press costs ~20 µs a change; cap the work.
MAX_CHANGES_SEARCHED = 5000


def highlight(matcher: Matcher, candidate: str) -> Content:
    """Like `Matcher.highlight`, which parses its candidate as markup: here it stays data."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ChangeCommands(Provider):
    """Open a change of the current list by number, subject or project."""

    @property
    def _app(self) -> VstuiApp:
        return self.app  # type: ignore[return-value]

    def _candidates(self) -> list[tuple[int, str]]:
        items = self._app.palette_changes()[:MAX_CHANGES_SEARCHED]
        return [
            (item.number, f"{item.number} {one_line(item.subject, 100)} — {one_line(item.project)}")
            for item in items
        ]

    async def discover(self) -> Hits:
        for number, label in self._candidates()[:20]:
            yield DiscoveryHit(Content(label), partial(self._app.open_change, number), text=label)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for number, label in self._candidates():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.open_change, number),
                    text=label,
                    help="Open this change",
                )


class ActionCommands(Provider):
    """Every action bound where the focus is (the same list as `?`), runnable by name."""

    def _actions(self) -> list[tuple[str, str, object]]:
        from vstui.ui.screens.help import collect_help_bindings

        return collect_help_bindings(self.screen)

    async def discover(self) -> Hits:
        for label, action, namespace in self._actions():
            yield DiscoveryHit(Content(label), partial(self._run, action, namespace), text=label)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action, namespace in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._run, action, namespace),
                    text=label,
                )

    def _run(self, action: str, namespace: object) -> None:
        self.app.call_later(self.app.run_action, action, namespace)


class DashboardCommands(Provider):
    """Bind the current query to a dashboard key (remembered per server)."""

    @property
    def _app(self) -> VstuiApp:
        return self.app  # type: ignore[return-value]

    def _candidates(self) -> list[tuple[str, str]]:
        from vstui.core.dashboards import KEYS

        query = one_line(self._app.current_query, 60)
        return [(key, f"Bind the current query ({query}) to dashboard key {key}") for key in KEYS]

    async def discover(self) -> Hits:
        for key, label in self._candidates()[4:7]:
            yield DiscoveryHit(Content(label), partial(self._app.bind_dashboard, key), text=label)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for key, label in self._candidates():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight(matcher, label),
                    partial(self._app.bind_dashboard, key),
                    text=label,
                    help="The list's number key runs it from now on (this server)",
                )
