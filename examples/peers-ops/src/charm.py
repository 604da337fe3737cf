#!/usr/bin/env python3
"""Shares what the leader decides through the peer relation, the way ops charms do it (ops has
no leader-set): the leader generates a secret in leader-elected and writes it to the peer
relation's application bag; every unit publishes its address in its own bag and reads the
secret in cluster-relation-changed; the leader collects the addresses into the application
bag. A new leader reads the old secret and rotates it.

Everything a test needs to check is appended to observed.log, one line per observation."""

import json
import os
import secrets

import ops


class PeersCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.cluster_relation_created, self._on_created)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.cluster_relation_joined, self._on_joined)
        framework.observe(self.on.cluster_relation_changed, self._on_changed)
        framework.observe(self.on.cluster_relation_departed, self._on_departed)

    def _record(self, line):
        with open(os.path.join(self.charm_dir, "observed.log"), "a") as f:
            f.write(line + "\n")

    @property
    def _peers(self):
        return self.model.get_relation("cluster")

    def _address(self):
        return "10.0.0.%s" % self.unit.name.split("/")[1]

    def _on_created(self, event):
        self._record("created %s leader=%s" % (event.relation.name, self.unit.is_leader()))

    def _on_leader_elected(self, event):
        bag = self._peers.data[self.app]
        old = bag.get("secret")
        new = secrets.token_hex(8)
        bag["secret"] = new
        self._record("leader_elected old=%s new=%s" % (old, new))
        self._collect()

    def _on_start(self, event):
        self._peers.data[self.unit]["address"] = self._address()
        self._record("start")

    def _on_joined(self, event):
        self._record("joined %s" % event.unit.name)

    def _on_changed(self, event):
        relation = event.relation
        secret = relation.data[self.app].get("secret")
        who = event.unit.name if event.unit else "(app)"
        self._record("changed %s secret=%s" % (who, secret))
        if self.unit.is_leader():
            self._collect()
            return
        # A minion may not write the application bag: ops refuses before calling Juju...
        try:
            relation.data[self.app]["minion"] = self.unit.name
        except ops.RelationDataAccessError:
            self._record("minion app write refused by ops")
        # ... and relation-set --app itself fails with Juju's error.
        try:
            self.model._backend.relation_set(relation.id, {"minion": self.unit.name}, is_app=True)
        except ops.ModelError as e:
            self._record("minion relation-set --app: %s" % str(e).strip())

    def _on_departed(self, event):
        self._record("departed %s departing=%s" % (event.unit.name, event.departing_unit.name))
        if self.unit.is_leader():
            self._collect()

    def _collect(self):
        """The leader: every unit's published address, in the application bag."""
        relation = self._peers
        addresses = {unit.name: relation.data[unit].get("address") for unit in relation.units}
        addresses[self.unit.name] = relation.data[self.unit].get("address") or self._address()
        addresses = {k: v for k, v in addresses.items() if v}
        relation.data[self.app]["addresses"] = json.dumps(addresses, sort_keys=True)
        self._record("collected %s" % json.dumps(addresses, sort_keys=True))


if __name__ == "__main__":
    ops.main(PeersCharm)
