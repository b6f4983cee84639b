"""The start-up floor: a bare PySide6 main window that reports like the app and quits when shown.

Prints ``shown rss_kb=<VmRSS>`` the same way ``desktop.app`` does under
``EMERGENCY_DESK_QUIT_WHEN_SHOWN``, so both are measured by the same harness.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("空白窗口")
    window.resize(1280, 800)
    window.show()

    def shown() -> None:
        print(f"shown rss_kb={rss_kb()}", flush=True)
        app.exit(0)

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
