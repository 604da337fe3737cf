#!/usr/bin/env python3
"""charmhelpers hooks on the peer relation: the leader writes a secret to the application bag
(relation_set(app=True)); every unit publishes its address in its own bag (relation_set) and
reads the secret (relation_get(app=...)) and the others' addresses (related_units, relation_get)
in cluster-relation-changed; a minion's relation_set(app=True) fails. `python3` is whichever is
first on PATH: run `leaderd up` with a virtual environment that has charmhelpers active."""

import json
import os
import subprocess
import sys

from charmhelpers.core import hookenv

hooks = hookenv.Hooks()


def record(what):
    with open(os.path.join(hookenv.charm_dir(), "observed.log"), "a") as f:
        f.write(what + "\n")


def peer_rid():
    return hookenv.relation_ids("cluster")[0]


def number():
    return hookenv.local_unit().split("/")[1]


@hooks.hook("install")
def install():
    record("install")


@hooks.hook("leader-elected")
def leader_elected():
    rid = peer_rid()
    old = hookenv.relation_get("secret", rid=rid, app=hookenv.service_name())
    hookenv.relation_set(rid, {"secret": "s-" + number(), "scratch": None}, app=True)
    record("leader-elected rid={} old={}".format(rid, old))


@hooks.hook("start")
def start():
    hookenv.relation_set(peer_rid(), {"address": "10.0.0." + number()})
    record("start")


@hooks.hook("cluster-relation-changed")
def changed():
    rid = hookenv.relation_id()
    secret = hookenv.relation_get("secret", rid=rid, app=hookenv.service_name())
    units = hookenv.related_units(rid)
    addresses = {u: hookenv.relation_get("address", u, rid) for u in units}
    record("changed remote={} secret={} addresses={}".format(
        hookenv.remote_unit() or "(app)", secret, json.dumps(addresses, sort_keys=True)))
    if not hookenv.is_leader():
        try:
            hookenv.relation_set(rid, {"secret": "minion"}, app=True)
            record("minion relation_set app succeeded")
        except subprocess.CalledProcessError as e:
            record("minion relation_set app raised exit={}".format(e.returncode))


@hooks.hook("cluster-relation-departed")
def departed():
    record("departed {}".format(hookenv.departing_unit()))


if __name__ == "__main__":
    hooks.execute(sys.argv)
