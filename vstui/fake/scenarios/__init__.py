"""Scenarios: named worlds to load into a fresh `GerritStore`.

    load_scenario(store, "seed", seed=0)      # OpenStack-like world around change 381272
    load_scenario(store, "empty")             # admin, default reviewer, one CI, one project
    load_scenario(store, "large:10000", seed=0)  # N changes for benchmarks

All are deterministic for a given seed and store clock.
"""

from __future__ import annotations

from vstui.fake.store import GerritStore

SCENARIOS = ("seed", "empty", "large:N")


def parse_scenario(name: str) -> tuple[str, int | None]:
    """`"large:500"` -> ("large", 500); raises ValueError with a one-line reason."""
    kind, _, arg = name.partition(":")
    if kind in ("seed", "empty") and not arg:
        return kind, None
    if kind == "large":
        if not arg:
            return kind, 10_000
        if arg.isdigit() and 0 < int(arg) <= 1_000_000:
            return kind, int(arg)
        raise ValueError(f"scenario large:N needs 1 <= N <= 1000000, got {arg!r}")
    raise ValueError(f"unknown scenario {name!r} (choose from: seed, empty, large:N)")


def load_scenario(store: GerritStore, name: str, *, seed: int = 0) -> None:
    """Populate `store` with the named world (see SCENARIOS)."""
    kind, n = parse_scenario(name)
    if kind == "seed":
        from vstui.fake.scenarios import seed as seed_mod

        seed_mod.build(store, seed)
    elif kind == "empty":
        from vstui.fake.scenarios import empty

        empty.build(store, seed)
    else:
        from vstui.fake.scenarios import large

        assert n is not None
        large.build(store, n, seed)
