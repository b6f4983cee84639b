"""Who acts: until accounts exist, the OS account with every role."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str] = frozenset({"staff", "admin"})


def os_actor() -> Actor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"
    return Actor(name=name)


SYSTEM = Actor(name="系统", roles=frozenset({"staff", "admin"}))
