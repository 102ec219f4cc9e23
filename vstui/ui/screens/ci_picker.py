"""`s` on the CI pane: choose which CI systems to show (a checkbox list)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from vstui.ui.safe_text import safe_line


class CIPickerScreen(ModalScreen[frozenset[str] | None]):
    """Dismisses with the selected CI names (empty set = all), or None when cancelled."""

    HELP_TITLE = "CI picker"
    AUTO_FOCUS = "SelectionList"
    DEFAULT_CSS: ClassVar[str] = """
    CIPickerScreen { align: center middle; }
    CIPickerScreen > Vertical {
        width: 60; max-width: 95%; height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    CIPickerScreen SelectionList { height: 1fr; }
    CIPickerScreen Static.keys { color: $text-muted; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", priority=True, id="picker.apply"),
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("a", "all", "Select all / none", id="picker.all"),
    ]

    def __init__(self, names: Iterable[tuple[str, int]], selected: frozenset[str]) -> None:
        """`names`: (CI name, number of jobs) pairs; `selected`: names shown now (empty = all)."""
        super().__init__()
        self._names = list(names)
        self._selected = selected

    def compose(self) -> ComposeResult:
        selections = [
            Selection(
                safe_line(f"{name}  ({count})"),
                name,
                not self._selected or name in self._selected,
            )
            for name, count in self._names
        ]
        with Vertical() as box:
            box.border_title = "CI systems to show"
            yield SelectionList[str](*selections, id="ci-picker")
            yield Static(
                "space toggles · a all/none · enter applies · escape cancels",
                classes="keys",
                markup=False,
            )

    @property
    def selection_list(self) -> SelectionList[str]:
        return self.query_one("#ci-picker", SelectionList)

    def action_all(self) -> None:
        lst = self.selection_list
        if len(lst.selected) == len(self._names):
            lst.deselect_all()
        else:
            lst.select_all()

    def action_apply(self) -> None:
        chosen = frozenset(self.selection_list.selected)
        all_names = {name for name, _ in self._names}
        # Everything selected means "no CI filter" so new CIs reporting later still show up.
        self.dismiss(frozenset() if chosen >= all_names else chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
