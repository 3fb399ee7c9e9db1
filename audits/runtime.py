"""The open Vern of this process: store, configuration, checks and (under `vern serve`)
the scheduler. Pages and commands reach the store only through it, so the dashboard
run by `vern serve` shares the store its scheduler writes to."""

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audits.checking import registry, runner
from audits.checking.api import Check
from audits.core import config as configuration
from audits.core import keys
from audits.core.config import Config
from audits.core.store import Store

DEFAULT_DB = "data/vern.duckdb"


@dataclass
class Vern:
    store: Store
    config: Config
    checks: dict[str, type[Check]]
    scheduler: Any = None  # apscheduler BackgroundScheduler while serving

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        self.store.close()


def database_path(db: str | None = None) -> Path:
    return Path(db or os.environ.get("VERN_DB") or DEFAULT_DB)


def load_config(db: str | None = None, config_path: str | None = None) -> tuple[Config, dict[str, type[Check]]]:
    """The configuration in force for the database `db`, and the installed checks; no store opened."""
    path = database_path(db)
    checks = registry.installed()
    found = configuration.locate(config_path, os.environ.get("VERN_CONFIG"), path)
    return configuration.load(found, path, checks), checks


def open_vern(db: str | None = None, config_path: str | None = None) -> Vern:
    """Validate the configuration first, so a bad value stops us before the store opens."""
    path = database_path(db)
    config, checks = load_config(db, config_path)
    store = keys.open_store(path, config.key_file)
    runner.fail_interrupted(store)
    return Vern(store, config, checks)


_current: Vern | None = None
_lock = threading.Lock()


def install(vern: Vern) -> None:
    global _current
    _current = vern


def current() -> Vern:
    """This process's Vern; opened from VERN_DB/VERN_CONFIG when no command installed one."""
    global _current
    with _lock:
        if _current is None:
            _current = open_vern()
        return _current
