#!/usr/bin/env python3
"""charmhelpers hooks: the leader publishes settings (deleting one key with an empty value);
minions read them back whole and by key; at start each unit reads its config and sets its status
and workload version; config-changed checks the port (blocked on a bad one, with the leader
reporting the application blocked too) and records whether it changed since the last hook;
update-status re-reads the status and keeps it. `python3` is whichever is first on PATH: run
`leaderd up` with a virtual environment that has charmhelpers active."""

import json
import os
import subprocess
import sys

from charmhelpers.core import hookenv

hooks = hookenv.Hooks()


def record(what):
    with open(os.path.join(hookenv.charm_dir(), "observed.log"), "a") as f:
        f.write(what + "\n")


@hooks.hook("install")
def install():
    hookenv.log("installing", level=hookenv.INFO)
    # charmhelpers passes no "--": juju-log takes this for options and refuses it (exit 2),
    # as Juju's does; charmhelpers ignores the exit code and the hook carries on.
    hookenv.log("-starts with a dash")
    record("install is_leader={}".format(hookenv.is_leader()))


@hooks.hook("leader-elected")
def leader_elected():
    hookenv.leader_set({"db-password": "s3cret", "scratch": "temporary"})
    hookenv.leader_set(scratch=None)  # an empty value deletes the key
    hookenv.log("published the settings", level=hookenv.WARNING)
    record("leader-elected is_leader={} settings={}".format(hookenv.is_leader(), json.dumps(hookenv.leader_get(), sort_keys=True)))


@hooks.hook("leader-settings-changed")
def leader_settings_changed():
    settings = hookenv.leader_get()
    password = hookenv.leader_get("db-password")
    record("leader-settings-changed is_leader={} settings={} db-password={}".format(
        hookenv.is_leader(), json.dumps(settings, sort_keys=True), password))
    if not hookenv.is_leader():
        try:
            hookenv.leader_set({"db-password": "minion"})
            record("minion leader_set succeeded")
        except subprocess.CalledProcessError as e:
            record("minion leader_set raised exit={}".format(e.returncode))


@hooks.hook("start")
def start():
    record("start is_leader={}".format(hookenv.is_leader()))
    config = hookenv.config()  # config-get --all --format=json
    hookenv.application_version_set("0.9")
    hookenv.status_set("active", "listening on {}".format(config["port"]))
    state, message = hookenv.status_get()  # status-get --format=json --include-data
    record("start config={} status={} message={}".format(json.dumps(dict(config), sort_keys=True), state, message))


@hooks.hook("config-changed")
def config_changed():
    config = hookenv.config()  # config-get --all --format=json
    port = config["port"]
    # changed() compares with the values charmhelpers saved at the end of the previous hook.
    record("config-changed port={} changed={}".format(port, config.changed("port")))
    problem = None if 1 <= port <= 65535 else "port must be between 1 and 65535"
    if problem:
        hookenv.status_set("blocked", problem)
    else:
        hookenv.status_set("active", "listening on {}".format(port))
    if hookenv.is_leader():
        hookenv.status_set("blocked" if problem else "active", problem or "serving", application=True)


@hooks.hook("update-status")
def update_status():
    state, message = hookenv.status_get()
    if state in ("active", "blocked", "maintenance", "waiting"):
        hookenv.status_set(state, message)
    record("update-status status={}".format(state))


if __name__ == "__main__":
    hooks.execute(sys.argv)
