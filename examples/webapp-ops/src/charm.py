#!/usr/bin/env python3
"""webapp: a realistic small ops charm.

- Every hook sets the unit's status (maintenance while it works, then what it found).
- config-changed reads the config, refuses a bad port with a blocked status (the operator
  must act: `leaderd config webapp port=...`), and writes the site.
- The leader reports the application's status and every unit its workload version.
- update-status re-checks the site and says so; stop and remove (the unit is leaving) say so.
- A docroot that cannot be written makes config-changed fail (an uncaught exception, as a
  real charm would): the unit is in error until the config is fixed and the hook resolved.

Every event is recorded in observed.log for the acceptance test."""

import logging
import os

import ops

logger = logging.getLogger(__name__)

VERSION = "2.4.1"


class WebappCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        for event in (
            self.on.install,
            self.on.leader_elected,
            self.on.leader_settings_changed,
            self.on.config_changed,
            self.on.start,
            self.on.update_status,
            self.on.stop,
            self.on.remove,
        ):
            framework.observe(event, self._on_event)

    def _record(self, event):
        line = f"{event} port={self.config['port']} title={self.config['title']}\n"
        with open(os.path.join(self.charm_dir, "observed.log"), "a") as f:
            f.write(line)

    def _problem(self):
        """What is wrong with the config, or None."""
        port = self.config["port"]
        if not 1 <= port <= 65535:
            return f"port must be between 1 and 65535, not {port}"
        if not self.config["title"].strip():
            return "title must not be empty"
        return None

    def _site(self):
        return os.path.join(self.charm_dir, self.config["docroot"])

    def _write_site(self):
        os.makedirs(self._site(), exist_ok=True)
        with open(os.path.join(self._site(), "index.html"), "w") as f:
            f.write(f"<h1>{self.config['title']}</h1>\n")

    def _on_event(self, event):
        name = event.handle.kind
        self._record(name)
        if name == "install":
            self.unit.status = ops.MaintenanceStatus("installing")
            self.unit.set_workload_version(VERSION)
            return
        if name in ("stop", "remove"):
            # The unit is going away (`leaderd remove-unit`): say so, and touch nothing else.
            self.unit.status = ops.MaintenanceStatus("stopping" if name == "stop" else "removing")
            return
        problem = self._problem()
        if problem:
            logger.warning("config refused: %s", problem)
            self.unit.status = ops.BlockedStatus(problem)
        elif name == "config_changed":
            self.unit.status = ops.MaintenanceStatus("writing the site")
            self._write_site()  # raises on a docroot it cannot write: the hook fails
            self.unit.status = ops.ActiveStatus(f"serving {self.config['title']!r} on :{self.config['port']}")
        elif name == "update_status":
            ok = os.path.exists(os.path.join(self._site(), "index.html"))
            self.unit.status = (
                ops.ActiveStatus(f"serving {self.config['title']!r} on :{self.config['port']}")
                if ok
                else ops.BlockedStatus("the site is missing")
            )
        elif name == "start":
            self.unit.status = ops.ActiveStatus(f"serving {self.config['title']!r} on :{self.config['port']}")
        elif isinstance(self.unit.status, ops.UnknownStatus):
            self.unit.status = ops.MaintenanceStatus("waiting for config")
        if self.unit.is_leader():
            # The leader speaks for the application: blocked if its own config check fails.
            self.app.status = ops.BlockedStatus(problem) if problem else ops.ActiveStatus(f"{self.app.name} ready")


if __name__ == "__main__":
    ops.main(WebappCharm)
