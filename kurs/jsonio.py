"""JSON files of the course: indented UTF-8 (Polish letters as they are), written atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path

from kurs.atomic_io import write_text_atomic


def json_ready(value):
    """NaN and infinities are not JSON: an unknown number becomes null, at any depth."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value: object) -> str:
    """``value`` as the course writes JSON: indented, UTF-8 text, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_json_atomic(target: Path, value: object) -> Path:
    """Write ``value`` (see :func:`dumps`) to ``target`` atomically and return ``target``."""
    return write_text_atomic(target, dumps(value))
