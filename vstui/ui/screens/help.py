"""`?` / F1: the key bindings active where the focus is, grouped by area (focused first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from vstui.ui.widgets.virtual_table import Column, TableRow, VirtualTable


@dataclass(frozen=True, slots=True)
class HelpEntry:
    area: str
    key: str
    description: str
    binding_id: str


def _area_name(node: object) -> str:
    """A readable name for the DOM node that owns a binding."""
    title = getattr(node, "HELP_TITLE", None)
    if isinstance(title, str):
        return title
    return type(node).__name__


def _described_bindings(screen: Screen) -> list[tuple[object, Binding, str]]:
    """(namespace, binding, key display) for every binding a key press on `screen` would run
    now, focused widget first (Textual's `Screen.active_bindings`: shadowed keys and actions
    whose `check_action` says no are left out). Only vstui's own bindings: they all have an
    id and a description, Textual's generic ones do not."""
    app = screen.app
    out: list[tuple[object, Binding, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description or not binding.id:
            continue
        out.append((active.node, binding, app.get_key_display(binding)))
    return out


def help_text(binding: Binding) -> str:
    """The help screen's wording: the long `tooltip` when there is one (the footer shows the
    short `description`)."""
    return binding.tooltip or binding.description


def collect_help(screen: Screen) -> list[HelpEntry]:
    """The bindings active on `screen` for its focused widget, the widget's containers, the
    screen and the app, in that order, one entry per action (its keys joined: "enter / o")."""
    entries: list[HelpEntry] = []
    index: dict[tuple[int, str], int] = {}
    for namespace, binding, key in _described_bindings(screen):
        mark = (id(namespace), binding.action)
        at = index.get(mark)
        if at is not None:
            entry = entries[at]
            if key not in entry.key.split(" / "):
                entries[at] = HelpEntry(
                    entry.area, f"{entry.key} / {key}", entry.description, entry.binding_id
                )
            continue
        index[mark] = len(entries)
        entries.append(HelpEntry(_area_name(namespace), key, help_text(binding), binding.id or ""))
    return entries


def collect_help_bindings(screen: Screen) -> list[tuple[str, str, object]]:
    """(label, action, namespace) for every described binding active on `screen` (palette)."""
    out: list[tuple[str, str, object]] = []
    seen: set[tuple[int, str]] = set()
    for namespace, binding, key in _described_bindings(screen):
        if binding.action == "command_palette":
            continue
        mark = (id(namespace), binding.action)
        if mark in seen:
            continue
        seen.add(mark)
        out.append((f"{help_text(binding)} ({key})", binding.action, namespace))
    return out


def collect_legend(screen: Screen) -> list[tuple[str, str]]:
    """(symbol, meaning) rows that the screen's widgets declare in `HELP_LEGEND` (the change
    list's CI column, ...), once each, in DOM order."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for node in (screen, *screen.query("*")):
        for symbol, meaning in getattr(node, "HELP_LEGEND", ()) or ():
            if symbol not in seen:
                seen.add(symbol)
                out.append((symbol, meaning))
    return out


class HelpScreen(ModalScreen[None]):
    """Lists `entries` (computed by `collect_help` on the screen below before this one opens)."""

    HELP_TITLE = "Help"
    AUTO_FOCUS = "VirtualTable"
    DEFAULT_CSS: ClassVar[str] = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90; max-width: 95%; height: 80%;
        border: round $primary; border-title-align: center;
        background: $surface; padding: 0 1;
    }
    HelpScreen Static.hint { color: $text-muted; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(
        self,
        entries: list[HelpEntry],
        focused_area: str,
        legend: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self._entries = entries
        self._focused_area = focused_area
        self._legend = legend or []

    def compose(self) -> ComposeResult:
        table = VirtualTable(
            [
                Column("key", "Key", width=14),
                Column("what", "Action", ratio=3),
                Column("id", "Binding id ([keys] in config)", ratio=2),
            ],
            id="help-table",
        )
        rows: list[TableRow] = []
        area = None
        for n, entry in enumerate(self._entries):
            if entry.area != area:
                area = entry.area
                rows.append(TableRow(("group", area), (area,), group=True))
            rows.append(TableRow(n, (entry.key, entry.description, entry.binding_id)))
        if self._legend:
            rows.append(TableRow(("group", "legend"), ("Symbols",), group=True))
            rows.extend(
                TableRow(("legend", symbol), (symbol, meaning, ""))
                for symbol, meaning in self._legend
            )
        table.set_rows(rows)
        with Vertical() as box:
            box.border_title = f"Keys: {self._focused_area}"
            yield table
            yield Static(
                "escape closes · remap any binding id under [keys] in the config",
                classes="hint",
                markup=False,
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
