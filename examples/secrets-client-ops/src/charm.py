#!/usr/bin/env python3
"""Reads the admin password examples/secrets-ops shares over the `admin` relation: the id is in
the remote application's bag (only the remote leader writes it), the secret is granted to this
application over the relation. Each unit shows the password's fingerprint in its status (never
the password) and follows new revisions in secret-changed."""

import hashlib

import ops


def fingerprint(content):
    return hashlib.sha256(content["password"].encode()).hexdigest()[:12]


class ClientCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._update)
        framework.observe(self.on.admin_relation_changed, self._update)
        framework.observe(self.on.admin_relation_broken, self._on_broken)
        framework.observe(self.on.secret_changed, self._on_secret_changed)

    def _update(self, event):
        relation = self.model.get_relation("admin")
        secret_id = relation.data[relation.app].get("admin-secret-id") if relation and relation.app else None
        if not secret_id:
            self.unit.status = ops.WaitingStatus("waiting for the admin password")
            return
        content = self.model.get_secret(id=secret_id).get_content(refresh=True)
        self.unit.status = ops.ActiveStatus("password %s" % fingerprint(content))

    def _on_secret_changed(self, event):
        content = event.secret.get_content(refresh=True)
        self.unit.status = ops.ActiveStatus("password %s" % fingerprint(content))

    def _on_broken(self, event):
        self.unit.status = ops.BlockedStatus("no admin relation")


if __name__ == "__main__":
    ops.main(ClientCharm)
