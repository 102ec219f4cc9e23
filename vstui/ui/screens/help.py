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


def collect_help(screen: Screen) -> list[HelpEntry]:
    """The bindings active on `screen` for its focused widget, the widget's containers, the
    screen and the app, in that order (Textual's own binding chain), one entry per action."""
    app = screen.app
    entries: list[HelpEntry] = []
    seen: set[tuple[int, str]] = set()
    for namespace, bindings in screen._modal_binding_chain:
        for _key, binding in bindings:
            # vstui's own bindings all have ids; the rest are Textual's generic ones.
            if binding.system or not binding.description or not binding.id:
                continue
            if app._check_action_state(binding.action, namespace) is False:
                continue
            mark = (id(namespace), binding.action)
            if mark in seen:
                # Several keys for one action: list them together on the first entry.
                for i, entry in enumerate(entries):
                    if (
                        entry.area == _area_name(namespace)
                        and entry.description == binding.description
                    ):
                        shown = app.get_key_display(binding)
                        if shown not in entry.key.split(" / "):
                            entries[i] = HelpEntry(
                                entry.area,
                                f"{entry.key} / {shown}",
                                entry.description,
                                entry.binding_id,
                            )
                        break
                continue
            seen.add(mark)
            entries.append(
                HelpEntry(
                    _area_name(namespace),
                    app.get_key_display(binding),
                    binding.description,
                    binding.id or "",
                )
            )
    return entries


def collect_help_bindings(screen: Screen) -> list[tuple[str, str, object]]:
    """(label, action, namespace) for every described binding active on `screen` (palette)."""
    app = screen.app
    out: list[tuple[str, str, object]] = []
    seen: set[tuple[int, str]] = set()
    for namespace, bindings in screen._modal_binding_chain:
        for _key, binding in bindings:
            if binding.system or not binding.description or not binding.id:
                continue
            if binding.action == "command_palette":
                continue
            if app._check_action_state(binding.action, namespace) is False:
                continue
            mark = (id(namespace), binding.action)
            if mark in seen:
                continue
            seen.add(mark)
            label = f"{binding.description} ({app.get_key_display(binding)})"
            out.append((label, binding.action, namespace))
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

    def __init__(self, entries: list[HelpEntry], focused_area: str) -> None:
        super().__init__()
        self._entries = entries
        self._focused_area = focused_area

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
