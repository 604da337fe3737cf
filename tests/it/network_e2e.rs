//! The network hook tools end to end on `leaderd up` with a shell charm: open-port and
//! close-port are the hook's own until it succeeds, then committed with its other changes and
//! kept by the controller (across a controller restart), shown by opened-ports and in `leaderd
//! status`; a failed hook's requests are dropped. network-get, unit-get, goal-state and
//! relation-model-get answer, in hooks and through `leaderd exec`, as Juju's would on a
//! machine whose one address is loopback.

use leaderd_testkit::cluster;

use std::time::Duration;

use cluster::Up;

const T: Duration = Duration::from_secs(30);

const METADATA: &str = "name: web\npeers:\n  cluster:\n    interface: web-cluster\nprovides:\n  website:\n    \
                        interface: http\nrequires:\n  db:\n    interface: pg\nextra-bindings:\n  admin:\n";

fn net_charm() -> tempfile::TempDir {
    let hooks = [
        // The first install fails after opening a port: its request is dropped, and the
        // retried install (which succeeds) opens nothing.
        (
            "install",
            "if [ ! -e failed-once ]; then\n\
               touch failed-once\n\
               open-port 9999\n\
               echo \"failing install: $(opened-ports | tr '\\n' ' ')\" >> observed\n\
               exit 1\n\
             fi",
        ),
        (
            "start",
            "status-set active ready\n\
             open-port 80\n\
             open-port 8000-8010/udp --endpoints website\n\
             echo \"start: $(opened-ports --endpoints | tr '\\n' ' ')\" >> observed\n\
             echo \"address: $(unit-get private-address) $(network-get website --bind-address)\" >> observed",
        ),
        ("leader-elected", "true"),
        ("leader-settings-changed", "true"),
        ("cluster-relation-joined", "echo \"model: $(relation-model-get) $JUJU_MODEL_UUID\" >> observed"),
    ];
    let scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    cluster::charm(METADATA, &scripts)
}

fn observed(up: &Up, unit: &str) -> Vec<String> {
    let path = up.unit_dir(unit).join("charm/observed");
    std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
}

/// Runs `command` on `unit` as `leaderd exec` does: stdout, stderr, exit code.
fn run(up: &Up, unit: &str, command: &str) -> (String, String, i32) {
    let out = up.exec(unit, &["sh", "-c", command]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr), out.status.code().unwrap_or(-1))
}

/// Each unit's `open_ports` in `leaderd status --format json`.
fn status_ports(up: &Up, unit: &str) -> serde_json::Value {
    let status = up.status();
    let units = status["applications"][0]["units"].as_array().cloned().unwrap_or_default();
    units.into_iter().find(|u| u["name"] == unit).map(|u| u["open_ports"].clone()).unwrap_or_default()
}

#[test]
fn ports_commit_with_the_hook_and_the_network_tools_answer_for_loopback() {
    let charm = net_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    let units = ["web/0", "web/1"];
    up.wait_hook_finished(&units, "start", T);

    // In its hook, opened-ports already shows the hook's own requests; a failed hook's are
    // dropped.
    for unit in units {
        let seen = observed(&up, unit);
        assert_eq!(seen.first().map(String::as_str), Some("failing install: 9999/tcp "), "{unit}: {seen:?}");
        assert!(seen.contains(&"start: 80/tcp (*) 8000-8010/udp (website) ".to_string()), "{unit}: {seen:?}");
        assert!(seen.contains(&"address: 127.0.0.1 127.0.0.1".to_string()), "{unit}: {seen:?}");
        // Once committed, the controller keeps them and status shows them as juju status does.
        up.until(&format!("{unit}'s ports in status"), T, || {
            status_ports(&up, unit) == serde_json::json!(["80/tcp", "8000-8010/udp"])
        });
    }
    let (out, err, code) = run(&up, "web/0", "opened-ports");
    assert_eq!((out.as_str(), err.as_str(), code), ("80/tcp\n8000-8010/udp\n", "", 0));
    let table = String::from_utf8_lossy(&up.leaderd(&["status"]).stdout).into_owned();
    assert!(table.contains("web/0                ports 80/tcp 8000-8010/udp\n"), "{table}");

    // A failed command's (or hook's) requests are dropped; what it saw was its own view.
    let (out, _, code) = run(&up, "web/0", "close-port 80 && open-port 9000 && opened-ports && exit 3");
    assert_eq!((out.as_str(), code), ("9000/tcp\n8000-8010/udp\n", 3));
    let (out, _, _) = run(&up, "web/0", "opened-ports --format json");
    assert_eq!(out, "[\"80/tcp\",\"8000-8010/udp\"]\n");
    // One that succeeds commits them.
    let (_, err, code) = run(&up, "web/0", "close-port 80 && open-port icmp && open-port 22 --endpoints admin,db");
    assert_eq!(code, 0, "{err}");
    up.until("web/0's new ports in status", T, || {
        status_ports(&up, "web/0") == serde_json::json!(["icmp", "22/tcp", "8000-8010/udp"])
    });
    let (out, _, _) = run(&up, "web/0", "opened-ports --endpoints");
    assert_eq!(
        out, "icmp (*)\n22/tcp (admin, db)\n8000-8010/udp (website)\n",
        "icmp sorts first, as Juju sorts by protocol"
    );
    assert_eq!(status_ports(&up, "web/1"), serde_json::json!(["80/tcp", "8000-8010/udp"]), "another unit's");

    // Juju's errors: a conflicting range at once; an endpoint the charm lacks at commit, which
    // fails the command and commits nothing of it.
    let (out, err, code) = run(&up, "web/0", "open-port 8005-8020/udp");
    let conflict = "ERROR cannot open 8005-8020/udp (unit \"web/0\"): port range conflicts with 8000-8010/udp \
                    (unit \"web/0\")\n";
    assert_eq!((out.as_str(), err.as_str(), code), ("", conflict, 1));
    let (_, err, code) = run(&up, "web/0", "open-port 7000 && open-port 7001 --endpoints nope");
    let refused =
        "ERROR committing relation and secret changes: open port range: endpoint \"nope\" for unit \"web/0\" \
                   not found\n";
    assert_eq!((err.as_str(), code), (refused, 1));
    let (out, _, _) = run(&up, "web/0", "opened-ports");
    assert_eq!(out, "icmp\n22/tcp\n8000-8010/udp\n");
    let (_, err, code) = run(&up, "web/0", "open-port 80/sctp");
    assert_eq!((err.as_str(), code), ("ERROR invalid protocol \"sctp\", expected \"tcp\", \"udp\", or \"icmp\"\n", 2));

    // The controller keeps them across its restart.
    let out = up.leaderd(&["restart", "--controller"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.until("web/0's ports after the controller restarted", T, || {
        status_ports(&up, "web/0") == serde_json::json!(["icmp", "22/tcp", "8000-8010/udp"])
    });

    // network-get: loopback, in Juju's shapes.
    let (out, _, code) = run(&up, "web/1", "network-get admin --format json");
    let want = "{\"bind-addresses\":[{\"mac-address\":\"00:00:00:00:00:00\",\"interface-name\":\"lo\",\"addresses\":\
                [{\"hostname\":\"\",\"value\":\"127.0.0.1\",\"cidr\":\"127.0.0.0/8\"}]}],\"egress-subnets\":\
                [\"127.0.0.1/32\"],\"ingress-addresses\":[\"127.0.0.1\"]}\n";
    assert_eq!((out.as_str(), code), (want, 0));
    let (out, _, _) = run(&up, "web/1", "network-get juju-info --ingress-address --egress-subnets");
    assert_eq!(out, "egress-subnets:\n- 127.0.0.1/32\ningress-address: 127.0.0.1\n");
    let (out, err, code) = run(&up, "web/1", "network-get nope");
    assert_eq!((out.as_str(), err.as_str(), code), ("", "ERROR no network config found for binding \"nope\"\n", 1));
    let (out, _, _) = run(&up, "web/1", "unit-get public-address --format yaml");
    assert_eq!(out, "127.0.0.1\n");
    let (_, err, code) = run(&up, "web/1", "unit-get address");
    assert_eq!((err.as_str(), code), ("ERROR unknown setting \"address\"\n", 2));

    // goal-state: both units, with the workload status each set and since when.
    let (out, err, code) = run(&up, "web/1", "goal-state --format json");
    assert_eq!(code, 0, "{err}");
    let goal: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(goal["relations"], serde_json::json!({}), "Juju leaves peer relations out");
    for unit in units {
        assert_eq!(goal["units"][unit]["status"], "active", "{out}");
        let since = goal["units"][unit]["since"].as_str().unwrap_or_default();
        assert!(since.len() == 20 && since.ends_with('Z') && since.as_bytes()[10] == b' ', "{since}");
    }

    // relation-model-get: the model's UUID, in the relation's hook and with -r.
    let (uuid, _, _) = run(&up, "web/0", "echo $JUJU_MODEL_UUID");
    let uuid = uuid.trim().to_string();
    assert_eq!(uuid.len(), 36, "{uuid}");
    up.until("web/0 ran cluster-relation-joined", T, || {
        !observed(&up, "web/0").iter().all(|l| !l.starts_with("model:"))
    });
    assert!(observed(&up, "web/0").contains(&format!("model: uuid: {uuid} {uuid}")), "{:?}", observed(&up, "web/0"));
    let (out, _, code) = run(&up, "web/0", "relation-model-get -r cluster:0 --format json");
    assert_eq!((out.as_str(), code), (format!("{{\"uuid\":\"{uuid}\"}}\n").as_str(), 0));
    let (out, err, code) = run(&up, "web/0", "relation-model-get");
    assert_eq!((out.as_str(), err.as_str(), code), ("", "ERROR no relation id specified\n", 2));
}
