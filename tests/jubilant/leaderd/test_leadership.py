"""Leadership as a charm's integration tests see it through jubilant, on leaderd's example
charms: examples/secrets-ops (three units; the leader keeps the admin password in an
application secret shared through the peer relation; set-password is the leader's only) and
examples/secrets-client-ops (related over `admin`: the secrets-demo leader grants it the secret
and writes its id in the relation's application bag, which only the leader may write).

The tests run in order on one model, each starting from what the one before left."""

import jubilant
import pytest

from .helpers import example

APP = "secrets-demo"
CLIENT = "secrets-client"


def leader(status: jubilant.Status, app: str = APP) -> str:
    leaders = [name for name, unit in status.apps[app].units.items() if unit.leader]
    assert len(leaders) == 1, leaders
    return leaders[0]


def fingerprints(juju: jubilant.Juju, status: jubilant.Status) -> set[str]:
    return {juju.run(unit, "get-password").results["fingerprint"] for unit in status.apps[APP].units}


def test_three_units_one_leader(juju: jubilant.Juju):
    juju.deploy(example("secrets-ops"), num_units=3)
    status = juju.wait(lambda s: jubilant.all_active(s, APP) and len(s.apps[APP].units) == 3)
    leader(status)


def test_leader_only_action_refused_on_minions(juju: jubilant.Juju):
    status = juju.status()
    chief = leader(status)
    for minion in (u for u in status.apps[APP].units if u != chief):
        with pytest.raises(jubilant.TaskError) as failed:
            juju.run(minion, "set-password", {"password": "correct-horse"})
        assert failed.value.task.status == "failed"
        assert failed.value.task.message == "only the leader can set the password"
    task = juju.run(f"{APP}/leader", "set-password", {"password": "correct-horse"})
    assert task.success and task.results["fingerprint"]


def test_application_secret_shared_through_the_peer_relation_and_rotated(juju: jubilant.Juju):
    status = juju.status()
    before = fingerprints(juju, status)
    assert len(before) == 1, "every unit reads the one password"
    juju.config(APP, {"rotation": 1})
    # The leader publishes a new revision; the others follow it in secret-changed.
    juju.wait(lambda s: len(after := fingerprints(juju, s)) == 1 and after != before, delay=0.2)


def test_related_application_reads_what_only_the_leader_writes(juju: jubilant.Juju):
    juju.deploy(example("secrets-client-ops"))
    juju.integrate(APP, CLIENT)
    status = juju.wait(jubilant.all_active)
    password = fingerprints(juju, status).pop()
    assert status.apps[CLIENT].units[f"{CLIENT}/0"].workload_status.message == f"password {password}"
    assert status.apps[APP].relations["admin"][0].related_app == CLIENT

    # A minion may not write its application's bag in the relation; the leader may.
    relation = juju.exec("relation-ids admin", unit=f"{APP}/leader").stdout.strip()
    chief = leader(status)
    minion = next(u for u in status.apps[APP].units if u != chief)
    with pytest.raises(jubilant.TaskError) as refused:
        juju.exec(f"relation-set -r {relation} --app note=minion", unit=minion)
    assert refused.value.task.stderr == "ERROR cannot write relation settings\n"
    juju.exec(f"relation-set -r {relation} --app note=leader", unit=chief)

    # A new password reaches the other application through the relation's grant.
    new = juju.run(f"{APP}/leader", "set-password", {"password": "battery-staple"}).results["fingerprint"]
    juju.wait(lambda s: s.apps[CLIENT].units[f"{CLIENT}/0"].workload_status.message == f"password {new}")


def test_removing_the_leader_hands_over(juju: jubilant.Juju):
    old = leader(juju.status())
    juju.remove_unit(old)
    status = juju.wait(
        lambda s: old not in s.apps[APP].units
        and any(u.leader for u in s.apps[APP].units.values())
        and jubilant.all_active(s)
    )
    assert leader(status) != old
    # The new leader manages the secret: set-password works on it, and the client follows.
    new = juju.run(f"{APP}/leader", "set-password", {"password": "tr0ub4dor-3"}).results["fingerprint"]
    juju.wait(lambda s: s.apps[CLIENT].units[f"{CLIENT}/0"].workload_status.message == f"password {new}")
