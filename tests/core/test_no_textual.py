"""The headless core never loads Textual (so `vstui watch`, benches and tests run without it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import vstui.core


def core_modules() -> list[str]:
    return sorted(f"vstui.core.{m.name}" for m in pkgutil.iter_modules(vstui.core.__path__))


def test_every_core_module_imports_without_textual():
    modules = core_modules()
    assert "vstui.core.store" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "", f"vstui.core pulled in: {out.stdout.strip()}"
