"""Where commands write when no --out is given: one safe folder under results/ per job."""

from __future__ import annotations

import re
from pathlib import Path


def default_folder(name: str) -> Path:
    """The folder under results/ a command writes to without --out: `name` as one safe path component.

    Names come from files and options (an experiment's name, a design): slashes and other
    characters become '-', so no name reaches outside results/.
    """
    return Path("results") / (re.sub(r"[^\w.-]+", "-", name).strip(".-") or "job")
