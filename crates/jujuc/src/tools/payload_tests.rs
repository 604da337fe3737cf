//! The payload tools end to end (`main_with`) against a fake hook context that keeps the unit's
//! payloads by Juju's rules (`leaderd_core::payloads`, as the agent does): Init errors, Run
//! errors and what each tool sends, byte for byte as Juju 3.6.0's `payload-*.go` print them
//! (its state's words: `payload not found`; an unknown payload unregisters without a word).
//! payload-register's metadata check reads the working directory's metadata.yaml, which these
//! tests have none of (`open .../metadata.yaml: no such file or directory`); a registration that
//! passes it is tested against a live agent in `tests/it/hooktools_e2e.rs`.

use std::cell::RefCell;
use std::rc::Rc;

use super::{run_in, ContextError, ToolContext};
use leaderd_core::payloads::{self, UnitPayloads};
use leaderd_core::wire::ErrorCode;

/// A hook context holding payloads; it records what each call was asked.
#[derive(Default, Clone)]
struct Fake {
    payloads: Rc<RefCell<UnitPayloads>>,
    calls: Rc<RefCell<Vec<String>>>,
}

impl Fake {
    fn refuse(message: String) -> ContextError {
        ContextError::Refused { code: ErrorCode::BadRequest, message }
    }
}

impl ToolContext for Fake {
    core_calls_unused!("not a payload call");
    fn register_payload(&mut self, kind: &str, class: &str, id: &str, labels: &[String]) -> Result<(), ContextError> {
        self.calls.borrow_mut().push(format!("register {kind} {class} {id} {labels:?}"));
        payloads::register(&mut self.payloads.borrow_mut(), kind, class, id, labels).map_err(Fake::refuse)
    }
    fn unregister_payload(&mut self, class: &str, id: &str) -> Result<(), ContextError> {
        self.calls.borrow_mut().push(format!("unregister {class} {id}"));
        payloads::unregister(&mut self.payloads.borrow_mut(), class);
        Ok(())
    }
    fn set_payload_status(&mut self, class: &str, id: &str, status: &str) -> Result<(), ContextError> {
        self.calls.borrow_mut().push(format!("status-set {class} {id} {status}"));
        payloads::set_status(&mut self.payloads.borrow_mut(), class, status).map_err(Fake::refuse)
    }
}

/// (stdout, stderr, exit code, calls made).
fn run(fake: &Fake, argv: &[&str]) -> (String, String, i32, Vec<String>) {
    let before = fake.calls.borrow().len();
    let (out, err, code) = run_in(Box::new(fake.clone()), argv);
    let calls = fake.calls.borrow()[before..].to_vec();
    (out, err, code, calls)
}

#[track_caller]
fn assert_ran(fake: &Fake, argv: &[&str], stderr: &str, code: i32, calls: &[&str]) {
    let (out, err, got_code, got_calls) = run(fake, argv);
    assert_eq!((out.as_str(), err.as_str(), got_code), ("", stderr, code), "{argv:?}");
    assert_eq!(got_calls, calls, "{argv:?}");
}

#[test]
fn payload_tools_check_their_arguments_as_juju_does() {
    let fake = Fake::default();
    for (argv, message) in [
        (&["payload-register", "docker", "monitoring"][..], "missing required arguments"),
        (&["payload-unregister", "monitoring"][..], "missing required arguments"),
        (&["payload-unregister", "a", "b", "c"][..], "unrecognized args: [\"c\"]"),
        (&["payload-status-set", "a", "b"][..], "missing required arguments"),
        (&["payload-status-set", "a", "b", "c", "d"][..], "unrecognized args: [\"d\"]"),
    ] {
        assert_ran(&fake, argv, &format!("ERROR {message}\n"), 2, &[]);
    }
    // The status is checked before anything is asked (`PayloadStatusSetCmd.validate`).
    let bad = "ERROR status \"started\" not supported; expected one of [\"running\", \"starting\", \"stopped\", \"stopping\"]\n";
    assert_ran(&fake, &["payload-status-set", "monitor", "abcd", "started"], bad, 1, &[]);
    // payload-register checks metadata.yaml, in the working directory, before it asks.
    let (_, err, code, calls) = run(&fake, &["payload-register", "docker", "monitoring", "0fcgaba"]);
    let cwd = std::env::current_dir().unwrap();
    let want = format!("ERROR open {}: no such file or directory\n", cwd.join("metadata.yaml").display());
    assert_eq!((err, code, calls), (want, 1, vec![]));
}

#[test]
fn payload_tools_change_the_hooks_payloads_as_jujus_state_does() {
    let fake = Fake::default();
    payloads::register(&mut fake.payloads.borrow_mut(), "docker", "monitoring", "0fcgaba", &[]).unwrap();
    // A status for a class with no payload: Juju's state's `payloads.ErrNotFound`.
    assert_ran(
        &fake,
        &["payload-status-set", "kvm-guest", "abc", "stopped"],
        "ERROR payload not found\n",
        1,
        &["status-set kvm-guest abc stopped"],
    );
    assert_ran(
        &fake,
        &["payload-status-set", "monitoring", "0fcgaba", "stopping"],
        "",
        0,
        &["status-set monitoring 0fcgaba stopping"],
    );
    assert_eq!(fake.payloads.borrow()["monitoring"].status, "stopping");
    // Unregistering one that is not there says nothing (Juju's untrack of a missing payload).
    assert_ran(&fake, &["payload-unregister", "kvm-guest", "abc"], "", 0, &["unregister kvm-guest abc"]);
    assert_ran(&fake, &["payload-unregister", "monitoring", "0fcgaba"], "", 0, &["unregister monitoring 0fcgaba"]);
    assert!(fake.payloads.borrow().is_empty());
}
