"""Snapshot tests against golden JSON files; `MEMS_UPDATE_GOLDEN=1 pytest ...` rewrites them on purpose."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "golden"


def assert_golden(area: str, name: str, data: Any) -> None:
    path = ROOT / area / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("MEMS_UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("MEMS_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"{path} did not exist and was written; check it and run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path} differs; if the change is intended, rerun with MEMS_UPDATE_GOLDEN=1"
