"""Model hot swap: each worker follows the ``production`` alias without a restart.

A background thread in every gunicorn worker looks at the alias file once per
``interval_s``. When it changes (a promotion, a rollback), the thread loads the new
version next to the old one — checksum and trusted types verified by the registry,
trees compiled — and only then replaces the model in the slot. Requests never wait for a
load and never see a half-loaded model: each one uses the model it took at its start,
old or new. A version that fails to load — a changed file, an untrusted type, other
library versions than it was saved with (class 05) — is refused; the old one keeps
serving and the failure is counted (``api_model_load_failures_total``) and shown by
``/ready`` (``refused``).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from zajecia_07_docker.served_model import ModelSlot
from zajecia_08_deploy import metrics

log = logging.getLogger(__name__)
NEVER_SEEN = object()


class AliasWatcher:
    def __init__(self, slot: ModelSlot, interval_s: float = 1.0):
        self.slot = slot
        self.interval_s = interval_s
        self.alias_file: Path = slot.registry.aliases_dir / f"{slot.name}.json"
        self._seen: object = NEVER_SEEN

    def _signature(self) -> tuple | None:
        try:
            stat = self.alias_file.stat()
        except FileNotFoundError:
            return None
        # The alias is replaced by rename: a new inode even within one mtime tick.
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def check(self) -> bool:
        """Reload if the alias changed since the last check; return whether the model changed."""
        # BEGIN SOLUTION: przeładuj model po zmianie aliasu (README)
        signature = self._signature()
        # A failed load is retried only when the alias changes again: no log storm.
        if signature == self._seen:
            return False
        self._seen = signature
        before = self.slot.current.version if self.slot.current else None
        changed = self.slot.refresh()
        if self.slot.last_error:
            metrics.MODEL_LOAD_FAILURES.inc()
        if changed:
            metrics.show_model(before, self.slot.current.version)
        return changed
        # END SOLUTION

    def start(self) -> None:
        """Load the model now, then keep checking in a daemon thread (ends with the worker)."""
        self.check()
        threading.Thread(target=self._run, name="alias-watcher", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(self.interval_s)
            try:
                self.check()
            except Exception:  # the watcher must outlive any one bad check
                log.exception("alias check failed")
