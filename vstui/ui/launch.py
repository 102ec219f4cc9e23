"""Start the TUI for a config: the first-run screen, or a session on the chosen server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from vstui.config import Config, ConfigError, default_config_path


def setup_logging() -> Path | None:
    """Log to a file under the user log dir: anything on stderr would corrupt the screen."""
    import platformdirs

    from vstui.private_files import create_private_file, private_dir
    from vstui.sanitize import RedactingFormatter

    try:
        directory = private_dir(Path(platformdirs.user_log_dir("vstui")))
        path = create_private_file(directory / "vstui.log")
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())
        return None
    # Passwords in configured URLs never reach the file, not even inside a traceback.
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # Never let a library's stderr handler draw over the UI.
    for name in ("paramiko", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return path


def run_tui(config: Config, server: str | None, *, history_path: Path | None = None) -> int:
    """Run the app until the user quits; returns the process exit status. The history
    lives in the user data dir unless `history_path` is given (the demo keeps its own)."""
    from vstui.core.filter_state import FilterStateStore
    from vstui.ui.app import VstuiApp

    setup_logging()
    config_path = str(config.path or default_config_path())
    if not config.servers:
        VstuiApp(None, config_path=config_path).run()
        return 0
    try:
        profile = config.server(server)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"vstui: {problem}", file=sys.stderr)
        return 1
    from vstui.core.connect import open_history, open_session
    from vstui.gerrit.errors import GerritError

    try:
        session = open_session(profile, history=open_history(profile, history_path))
        if session.history is not None and config.history:
            from vstui.history.verdicts import rules_from_config

            session.history.rules = rules_from_config(config.history)
    except (ConfigError, GerritError) as exc:
        print(f"vstui: {exc}", file=sys.stderr)
        return 1
    app = VstuiApp(
        session,
        keys=config.keys,
        theme=config.theme,
        filter_store=FilterStateStore(),
        config_path=config_path,
    )
    app.run()
    return app.return_code or 0
