"""Entry point: ``emergency-desk [--db URL|PATH] [COMMAND]``; no command opens the window.

Commands that open no window never import PySide6 (they live in ``desktop.cli``).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from desktop.cli import build_parser, run_command

    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        from desktop.app import run_gui

        return run_gui(args.db, demo=args.demo)
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
