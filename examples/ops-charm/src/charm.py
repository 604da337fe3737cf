#!/usr/bin/env python3
"""A small ops charm: it records what each leadership event saw, and logs at every level
(each record goes through `juju-log --log-level LEVEL -- message`). At start it reads its
config, sets its workload version and status, and the leader sets the application's status."""

import logging
import os

import ops

logger = logging.getLogger(__name__)


class DemoCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.leader_settings_changed, self._on_leader_settings_changed)
        framework.observe(self.on.start, self._on_start)

    def _record(self, event_name):
        line = f"{event_name} is_leader={self.unit.is_leader()}\n"
        with open(os.path.join(self.charm_dir, "observed.log"), "a") as f:
            f.write(line)

    def _on_install(self, event):
        logger.debug("install: a debug line")
        logger.info("install: an info line")
        logger.warning("install: a warning line")
        logger.error("install: an error line")
        logger.info("-a message that starts with a dash")
        self._record("install")

    def _on_leader_elected(self, event):
        self._record("leader_elected")
        logger.info("leader_elected: this unit leads")

    def _on_leader_settings_changed(self, event):
        self._record("leader_settings_changed")

    def _on_start(self, event):
        self._record("start")
        # Read before they are set (status-get), then set (status-set, application-version-set).
        lines = [f"unit_status_before={self.unit.status.name}"]
        if self.unit.is_leader():
            lines.append(f"app_status_before={self.app.status.name}")
            self.app.status = ops.ActiveStatus("all units started")
        lines.append(f"config greeting={self.config['greeting']} workers={self.config['workers']!r}")
        self.unit.set_workload_version("1.2.3")
        self.unit.status = ops.ActiveStatus(f"greeting {self.config['greeting']}")
        with open(os.path.join(self.charm_dir, "status.log"), "a") as f:
            f.write("".join(line + "\n" for line in lines))


if __name__ == "__main__":
    ops.main(DemoCharm)
