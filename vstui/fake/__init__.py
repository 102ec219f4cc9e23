"""A protocol-faithful Gerrit emulator: real SSH (paramiko) and real HTTP on loopback.

`FakeGerrit` (server.py) runs the whole thing; `Faults` (faults.py) says what should go
wrong. Both import paramiko, so this package is loaded lazily by `vstui fake-gerrit`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vstui.fake.faults import Faults
    from vstui.fake.server import FakeGerrit

__all__ = ["FakeGerrit", "Faults"]


def __getattr__(name: str) -> Any:
    # Lazy: `import vstui.fake.store` must not drag in paramiko and the servers.
    if name == "FakeGerrit":
        from vstui.fake.server import FakeGerrit

        return FakeGerrit
    if name == "Faults":
        from vstui.fake.faults import Faults

        return Faults
    raise AttributeError(name)
