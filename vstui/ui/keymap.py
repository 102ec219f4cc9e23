"""User key remapping: `[keys]` in the config maps binding ids to keys, e.g. `"ci.open" = "l"`.

Every vstui binding has an id (listed by `?`). Textual applies the keymap itself; this
module only checks the ids, so a typo is reported instead of silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import Binding


def _classes() -> Iterable[type]:
    # Imported here: the screens import widgets that import this package's app module.
    from vstui.ui.app import VstuiApp
    from vstui.ui.screens.change import ChangeScreen
    from vstui.ui.screens.change_list import ChangeListScreen
    from vstui.ui.screens.ci_picker import CIPickerScreen
    from vstui.ui.screens.confirm import ConfirmScreen
    from vstui.ui.screens.earlier_runs import EarlierRunsScreen
    from vstui.ui.screens.first_run import FirstRunScreen
    from vstui.ui.screens.health import FailuresScreen, HealthScreen
    from vstui.ui.screens.help import HelpScreen
    from vstui.ui.screens.log_viewer import LogViewerScreen
    from vstui.ui.screens.raw import RawScreen
    from vstui.ui.screens.recheck import RecheckScreen
    from vstui.ui.widgets.ci_pane import CIPane
    from vstui.ui.widgets.discussion import DiscussionView
    from vstui.ui.widgets.discussion_pane import DiscussionPane
    from vstui.ui.widgets.log_view import LogView
    from vstui.ui.widgets.virtual_table import VirtualTable

    return (
        VstuiApp,
        ChangeListScreen,
        ChangeScreen,
        CIPane,
        DiscussionPane,
        DiscussionView,
        VirtualTable,
        HelpScreen,
        ConfirmScreen,
        RecheckScreen,
        HealthScreen,
        FailuresScreen,
        RawScreen,
        CIPickerScreen,
        FirstRunScreen,
        LogViewerScreen,
        LogView,
        EarlierRunsScreen,
    )


def binding_catalogue() -> dict[str, Binding]:
    """Every vstui binding id -> its default binding."""
    catalogue: dict[str, Binding] = {}
    for cls in _classes():
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                catalogue.setdefault(binding.id, binding)
    return catalogue


def build_keymap(keys: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap to give Textual, and one readable line per entry that was ignored."""
    catalogue = binding_catalogue()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, key in keys.items():
        if binding_id not in catalogue:
            problems.append(
                f"config [keys]: unknown binding id {binding_id!r} (press ? to see ids)"
            )
        elif not isinstance(key, str) or not key.strip():
            problems.append(f'config [keys]: {binding_id!r} needs a key name, e.g. "ctrl+o"')
        else:
            keymap[binding_id] = ",".join(k.strip() for k in key.split(","))
    return keymap, problems
