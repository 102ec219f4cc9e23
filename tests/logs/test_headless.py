"""`vstui/logs` is headless: no Textual, and `vstui logs anomalies` never loads the UI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import vstui.logs


def test_every_logs_module_imports_without_textual() -> None:
    modules = sorted(f"vstui.logs.{m.name}" for m in pkgutil.iter_modules(vstui.logs.__path__))
    assert "vstui.logs.anomalies" in modules and "vstui.logs.fetch" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r} + ['vstui.commands.logs']:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "", f"vstui.logs pulled in: {out.stdout.strip()}"
