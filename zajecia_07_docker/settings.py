"""Settings of the API: defaults, then environment variables (a container's ``-e``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kurs.repository import data_dir
from kurs.settings import number, read_settings

# Setting name -> (environment variable, parser).
SETTINGS = {
    "model_name": ("MLOPS_MODEL_NAME", str),
    "model_alias": ("MLOPS_MODEL_ALIAS", str),
    "max_batch": ("API_MAX_BATCH", number(int, 1)),
    "max_body_bytes": ("API_MAX_BODY_BYTES", number(int, 1024)),
}


@dataclass(frozen=True)
class ApiSettings:
    """What the API serves and the limits of a request.

    ``model_alias`` may also be a version (``v0003``): a staging instance serves a
    candidate that way before it becomes ``production``.
    """

    data_dir: Path
    model_name: str = "flights_delay"
    model_alias: str = "production"
    max_batch: int = 1000
    # A batch of max_batch flights is about 0.9 MB of JSON.
    max_body_bytes: int = 2 * 2**20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ApiSettings:
        """The settings of a server process, ``MLOPS_DATA_DIR`` included.

        Raises:
            ValueError: names the setting whose value is wrong.
        """
        return cls(data_dir=data_dir(environ), **read_settings(SETTINGS, None, environ, "API"))
