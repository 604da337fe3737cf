#!/usr/bin/env python3
"""Keeps the admin password the way data-platform-libs does (`DataPeerData`): the leader
creates an application-owned secret in leader-elected, labelled, and shares its id in the peer
relation's application bag; every unit reads it by that id; a config change makes the leader
publish a new revision; the other units hear of it in secret-changed and refresh; revisions no
unit tracks any more are removed in secret-remove. A new leader finds the secret by its label
and manages it from then on. The set-password action is the leader's only (a minion fails it);
get-password works on every unit. An application related over `admin` gets the secret
granted over that relation, and its id in the relation's application bag, from the leader.
Every unit is active once it has read the password.

Each unit appends what it sees to observed.log, one line per observation, with a fingerprint
of the password, never the password itself."""

import hashlib
import os
import secrets

import ops

LABEL = "cluster.secrets-demo.app"


def fingerprint(content):
    return hashlib.sha256(content["password"].encode()).hexdigest()[:12]


class SecretsCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.leader_elected, self._on_leader_elected)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.cluster_relation_changed, self._on_cluster_changed)
        framework.observe(self.on.secret_changed, self._on_secret_changed)
        framework.observe(self.on.secret_remove, self._on_secret_remove)
        framework.observe(self.on.set_password_action, self._on_set_password)
        framework.observe(self.on.get_password_action, self._on_get_password)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.admin_relation_created, self._on_admin_relation)
        framework.observe(self.on.admin_relation_joined, self._on_admin_relation)

    def _record(self, line):
        with open(os.path.join(self.charm_dir, "observed.log"), "a") as f:
            f.write(line + "\n")

    @property
    def _peers(self):
        return self.model.get_relation("cluster")

    def _on_leader_elected(self, event):
        bag = self._peers.data[self.app]
        try:
            secret = self.model.get_secret(label=LABEL)
            # Fetched by label, the secret's id comes from its info (its owner may read it).
            secret_id = secret.id or secret.get_info().id
            self._record("leader_elected found %s" % secret_id)
        except ops.SecretNotFoundError:
            secret = self.app.add_secret({"password": secrets.token_hex(16)}, label=LABEL)
            secret_id = secret.id
            self._record("leader_elected created %s" % secret_id)
        bag["admin-secret-id"] = secret_id
        for relation in self.model.relations["admin"]:
            self._share(relation, secret)

    def _on_start(self, event):
        self.unit.status = ops.ActiveStatus()

    def _share(self, relation, secret):
        # The leader's only: it owns the secret and writes the application bag.
        secret.grant(relation)
        relation.data[self.app]["admin-secret-id"] = secret.id or secret.get_info().id

    def _on_admin_relation(self, event):
        if not self.unit.is_leader():
            return
        try:
            secret = self.model.get_secret(label=LABEL)
        except ops.SecretNotFoundError:
            return  # Not made yet: leader-elected makes it and shares it then.
        self._share(event.relation, secret)

    def _on_config_changed(self, event):
        rotation = self.config["rotation"]
        if not self.unit.is_leader() or rotation == 0:
            self._read("config_changed")
            return
        secret = self.model.get_secret(label=LABEL)
        secret.set_content({"password": secrets.token_hex(16)})
        # The leader tracks revisions too: it refreshes to the one it just published.
        content = secret.get_content(refresh=True)
        self._record("rotated %s password=%s" % (rotation, fingerprint(content)))

    def _read(self, why):
        secret_id = self._peers.data[self.app].get("admin-secret-id") if self._peers else None
        if not secret_id:
            return
        content = self.model.get_secret(id=secret_id).get_content()
        self._record("%s password=%s" % (why, fingerprint(content)))

    def _on_cluster_changed(self, event):
        self._read("cluster_changed")

    def _on_secret_changed(self, event):
        content = event.secret.get_content(refresh=True)
        self._record("secret_changed %s password=%s" % (event.secret.label, fingerprint(content)))

    def _on_secret_remove(self, event):
        event.secret.remove_revision(event.revision)
        self._record("secret_remove revision=%s" % event.revision)

    def _on_set_password(self, event):
        # Leader-only, as charms do it: Juju has no leader-only actions, the charm refuses.
        if not self.unit.is_leader():
            event.fail("only the leader can set the password")
            return
        secret = self.model.get_secret(label=LABEL)
        secret.set_content({"password": event.params["password"]})
        content = secret.get_content(refresh=True)
        event.set_results({"fingerprint": fingerprint(content)})

    def _on_get_password(self, event):
        secret_id = self._peers.data[self.app].get("admin-secret-id")
        content = self.model.get_secret(id=secret_id).get_content(refresh=True)
        event.set_results({"fingerprint": fingerprint(content)})


if __name__ == "__main__":
    ops.main(SecretsCharm)
