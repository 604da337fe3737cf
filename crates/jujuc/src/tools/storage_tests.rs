//! The storage tools (storage-list, storage-get, storage-add) end to end (`main_with`) against
//! a fake hook context, replaying vectors made by running Juju 3.6.0's own command code
//! (`worker/uniter/runner/jujuc/storage-*.go`) with a stub context that answers as this fake
//! does (`testdata/storage-vectors.json`): help (in and out of a storage hook), flag and Init
//! errors, output in every format, exit codes, and the calls each tool makes, byte for byte.
//! Juju's hook context caches a storage attachment, so its second lookup of one instance
//! (the `-s` flag's, then Run's) is one call here; the vectors list consecutive calls once.
//!
//! One test function, since the storage hook's instance reaches jujuc as `JUJU_STORAGE_ID`
//! (the environment is the process's), and no other test reads it.

use std::cell::RefCell;
use std::rc::Rc;

use super::{replay, ContextError, JujuRan, ToolContext};
use leaderd_core::wire::hook::StorageGetResponse;
use leaderd_core::wire::ErrorCode;

/// One vector: the stub's set-up, the command line, and what Juju's code printed and called.
#[derive(Debug, Clone, serde::Deserialize)]
struct Vector {
    #[serde(flatten)]
    ran: JujuRan,
    /// The attached instances, space-separated (each a filesystem at `/srv/<name>-<n>`).
    attached: String,
    /// The storage hook's instance (`JUJU_STORAGE_ID`), or empty.
    hook: String,
    /// An error every call answers.
    err: Option<String>,
}

/// The harness's stub context, call for call.
#[derive(Clone)]
struct Fake {
    vector: Vector,
    calls: Rc<RefCell<Vec<String>>>,
}

impl Fake {
    fn call(&self, call: String) -> Result<(), ContextError> {
        self.calls.borrow_mut().push(call);
        match &self.vector.err {
            Some(message) => Err(ContextError::Refused { code: ErrorCode::BadRequest, message: message.clone() }),
            None => Ok(()),
        }
    }
}

impl ToolContext for Fake {
    core_calls_unused!("not a storage tool call");
    fn storage_ids(&mut self) -> Result<Vec<String>, ContextError> {
        self.call("StorageTags".into())?;
        Ok(self.vector.attached.split_whitespace().map(String::from).collect())
    }
    fn storage(&mut self, id: &str) -> Result<StorageGetResponse, ContextError> {
        self.call(format!("Storage({id})"))?;
        if !self.vector.attached.split_whitespace().any(|a| a == id) {
            let message = format!("storage attachment {id}:app/0 not found");
            return Err(ContextError::Refused { code: ErrorCode::NotFound, message });
        }
        Ok(StorageGetResponse { kind: "filesystem".into(), location: format!("/srv/{}", id.replace('/', "-")) })
    }
    fn add_storage(&mut self, directives: Vec<(String, u64)>) -> Result<(), ContextError> {
        let mut directives = directives;
        directives.sort();
        let parts: Vec<String> = directives.iter().map(|(name, count)| format!("{name}={count}")).collect();
        self.call(format!("AddUnitStorage({})", parts.join(" ")))
    }
}

#[test]
fn every_vector_of_jujus_code_replays_byte_for_byte_in_and_out_of_a_storage_hook() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("testdata/storage-vectors.json")).unwrap();
    assert!(vectors.len() > 70, "{} vectors", vectors.len());
    let fake = |vector: &Vector| {
        // The storage hook's instance reaches jujuc through the environment; no other test of
        // this binary reads or writes these variables.
        std::env::set_var("JUJU_UNIT_NAME", "app/0");
        std::env::set_var("JUJU_STORAGE_ID", &vector.hook);
        let fake = Fake { vector: vector.clone(), calls: Rc::default() };
        let calls = fake.calls.clone();
        (Box::new(fake) as Box<dyn ToolContext>, calls)
    };
    let describe = |v: &Vector| format!("attached {:?}, hook {:?}", v.attached, v.hook);
    replay(&vectors, |v| &v.ran, fake, describe);
    std::env::remove_var("JUJU_STORAGE_ID");
}
