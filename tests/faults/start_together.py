"""`python -m tests.faults.start_together GO_FILE <mems arguments>`: load `mems`, wait until GO_FILE exists, then
run the command; several of these start the same command at the same moment (a race on start-up)."""

from __future__ import annotations

import os
import sys
import time

from bot.entry.cli import main

if __name__ == "__main__":
    go = sys.argv[1]
    while not os.path.exists(go):
        time.sleep(0.005)
    sys.argv = ["mems", *sys.argv[2:]]
    main()
