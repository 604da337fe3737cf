//! The operator's relation calls on a running model (`juju integrate`, `juju remove-relation`):
//! to its controller, with the operator token found in the model's state directory, as the
//! other operator commands reach it (`status::operator_client`).

use std::path::Path;

use leaderd_core::wire::controller::{RelationDef, RemoveRelationRequest};
use leaderd_core::wire::ErrorCode;
use leaderd_net::controller_client::{CallError, ControllerClient};

use super::UpState;

/// A relation call refused by the controller (its code and Juju's words), or one that never got
/// an answer.
#[derive(Debug)]
pub(crate) enum RelationCallError {
    Refused(ErrorCode, String),
    Failed(anyhow::Error),
}

fn call<T, F>(state: &Path, f: impl FnOnce(ControllerClient) -> F) -> Result<T, RelationCallError>
where
    F: std::future::Future<Output = Result<T, CallError>>,
{
    let failed = RelationCallError::Failed;
    let up = UpState::load(state).map_err(failed)?;
    let client = super::status::operator_client(state, &up, up.any_application()).map_err(failed)?;
    let base = client.base().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| failed(e.into()))?;
    let answer = runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(30), f(client)).await });
    match answer {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(CallError::Refused { code, message })) => Err(RelationCallError::Refused(code, message)),
        Ok(Err(e)) => Err(failed(anyhow::anyhow!("asking the controller at {base}: {e}"))),
        Err(_) => Err(failed(anyhow::anyhow!("asking the controller at {base}: no answer within 30s"))),
    }
}

/// A new relation between the applications (and endpoints) `endpoints` name.
pub(crate) fn integrate(state: &Path, endpoints: Vec<String>) -> Result<RelationDef, RelationCallError> {
    call(state, |c| async move { c.integrate(endpoints).await })
}

/// The relation `request` names becomes dying.
pub(crate) fn remove(state: &Path, request: RemoveRelationRequest) -> Result<RelationDef, RelationCallError> {
    call(state, |c| async move { c.remove_relation(&request).await })
}
