//! `leaderd show-unit APP/N`: one unit of a running `up` with its relations and every bag it
//! can see, in the shape of `juju show-unit` (`cmd/juju/application/showunit.go`: `UnitInfo`
//! and its `relation-info` list). YAML by default, as Juju's; `--format json` too.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::UpState;
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::RelationsResponse;

/// Juju's `UnitInfo`, the fields that mean something here, in Juju's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitInfo {
    #[serde(rename = "workload-version", skip_serializing_if = "String::is_empty")]
    pub workload_version: String,
    #[serde(rename = "opened-ports")]
    pub opened_ports: Vec<String>,
    /// `juju show-unit`'s (leaderd's units are all at 127.0.0.1); none in `leaderd show-unit`.
    #[serde(rename = "public-address", skip_serializing_if = "String::is_empty")]
    pub public_address: String,
    pub charm: String,
    pub leader: bool,
    pub life: String,
    #[serde(rename = "relation-info", skip_serializing_if = "Vec::is_empty")]
    pub relation_info: Vec<RelationInfo>,
    /// `juju show-unit`'s `<app>-<n>` (Juju's k8s units have one; leaderd's have no machine).
    #[serde(rename = "provider-id", skip_serializing_if = "String::is_empty")]
    pub provider_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// leaderd's addition (Juju's show-unit has none): the unit's storage instances, each in
    /// the shape `juju storage --format yaml` gives it (`cmd/juju/storage/storage.go`,
    /// `StorageInfo`), by id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<String, StorageInfo>,
}

/// Juju's `StorageInfo`: one storage instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageInfo {
    pub kind: String,
    pub life: String,
    pub status: StorageStatus,
    pub persistent: bool,
    pub attachments: StorageAttachments,
}

/// Juju's `EntityStatus`, the part leaderd knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageStatus {
    pub current: String,
}

/// Juju's `StorageAttachments`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageAttachments {
    pub units: BTreeMap<String, UnitStorageAttachment>,
}

/// Juju's `UnitStorageAttachment`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStorageAttachment {
    pub location: String,
    pub life: String,
}

/// The unit's filesystem instances (`ids`), each a directory under `state_dir/storage`; their
/// attachments' life is the unit's (`dying` while it is removed, as Juju's attachments are).
pub(crate) fn storage_info(unit: &str, life: &str, state_dir: &Path, ids: &[String]) -> BTreeMap<String, StorageInfo> {
    ids.iter()
        .map(|id| {
            let (name, number) = id.split_once('/').unwrap_or((id, "0"));
            let location = state_dir.join("storage").join(name).join(number).display().to_string();
            let attachment = UnitStorageAttachment { location, life: life.into() };
            let info = StorageInfo {
                kind: "filesystem".into(),
                life: "alive".into(),
                status: StorageStatus { current: "attached".into() },
                persistent: false,
                attachments: StorageAttachments { units: BTreeMap::from([(unit.to_string(), attachment)]) },
            };
            (id.clone(), info)
        })
        .collect()
}

/// Juju's `RelationData`: one relation as the unit sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationInfo {
    #[serde(rename = "relation-id")]
    pub relation_id: u64,
    pub endpoint: String,
    #[serde(rename = "related-endpoint")]
    pub related_endpoint: String,
    #[serde(rename = "application-data")]
    pub application_data: Settings,
    #[serde(rename = "local-unit")]
    pub local_unit: UnitData,
    #[serde(rename = "related-units", skip_serializing_if = "BTreeMap::is_empty")]
    pub related_units: BTreeMap<String, UnitData>,
}

/// Juju's `UnitRelationData`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct UnitData {
    #[serde(rename = "in-scope")]
    pub in_scope: bool,
    pub data: Settings,
}

/// The unit's entry: every relation of its application (from the controller's relation
/// records; without them, the charm's peer relations numbered in metadata order) with the
/// other application's bag (a peer relation's: its own), its own bag, and every unit of the
/// other side that has a bag.
pub(crate) fn unit_info(
    unit: &str,
    charm_url: &str,
    peers: &[leaderd_core::relations::PeerRelation],
    relations: &RelationsResponse,
    leader: bool,
    workload_version: String,
) -> UnitInfo {
    let app = leaderd_core::names::unit_application(unit).unwrap_or(unit);
    // (id, endpoint, related endpoint, remote application; None for a peer relation).
    let mut ends: Vec<(u64, String, String, Option<String>)> = relations
        .relations
        .iter()
        .filter_map(|(id, r)| {
            let def = r.relation.as_ref()?;
            let mine = def.endpoint_of(app)?;
            let other = def.endpoints.iter().find(|e| e.application != app);
            let related = other.map_or(mine, |o| o).endpoint.name.clone();
            Some((*id, mine.endpoint.name.clone(), related, other.map(|o| o.application.clone())))
        })
        .collect();
    if !relations.relations.values().any(|r| r.relation.is_some()) {
        ends = peers.iter().map(|p| (p.id, p.endpoint.clone(), p.endpoint.clone(), None)).collect();
    }
    let relation_info = ends
        .into_iter()
        .map(|(id, endpoint, related_endpoint, remote)| {
            let data = relations.relations.get(&id).cloned().unwrap_or_default();
            let in_scope = |u: &str| data.members.iter().any(|m| m == u);
            let related_units = data
                .units
                .iter()
                .filter(|(u, _)| u.as_str() != unit)
                .filter(|(u, _)| remote.as_deref().is_none_or(|r| leaderd_core::names::unit_application(u) == Ok(r)))
                .map(|(u, bag)| (u.clone(), UnitData { in_scope: in_scope(u), data: bag.clone() }))
                .collect();
            let application_data = if remote.is_some() { data.remote_app.clone() } else { data.app.clone() };
            RelationInfo {
                relation_id: id,
                endpoint,
                related_endpoint,
                application_data,
                local_unit: UnitData {
                    in_scope: in_scope(unit),
                    data: data.units.get(unit).cloned().unwrap_or_default(),
                },
                related_units,
            }
        })
        .collect();
    UnitInfo {
        workload_version,
        opened_ports: Vec::new(),
        public_address: String::new(),
        charm: charm_url.to_string(),
        leader,
        life: "alive".into(),
        relation_info,
        provider_id: String::new(),
        address: String::new(),
        storage: BTreeMap::new(),
    }
}

/// `leaderd show-unit`: the unit's entry keyed by its name, as text in `format`.
pub(crate) fn show_unit(state: &Path, unit: &str, format: &str) -> anyhow::Result<String> {
    let up = UpState::load(state)?;
    anyhow::ensure!(
        up.units.iter().any(|u| u.name == unit),
        "unit {unit:?} not found (the units of this up: {})",
        up.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
    );
    let info = up.application_of(unit)?;
    let report = super::status::report(state)?;
    let app = report.applications.iter().find(|a| a.name == info.name).context("the up has no such application")?;
    let relations = super::status::controller_relations(state, &up, &info.name)?;
    let peers = leaderd_core::relations::peers(&info.charm)?;
    let version = app.units.iter().find(|u| u.name == unit).map(|u| u.workload_version.clone()).unwrap_or_default();
    // Juju's local charm URL: the charm's name and the revision the application runs.
    let charm_url = info.charm_url();
    let mut info = unit_info(unit, &charm_url, &peers, &relations, app.leader.as_deref() == Some(unit), version);
    let record = up.units.iter().find(|u| u.name == unit);
    let ids = app.units.iter().find(|u| u.name == unit).map(|u| u.storage.clone()).unwrap_or_default();
    let state_dir = record.map(|u| u.state_dir.clone()).unwrap_or_default();
    info.storage = storage_info(unit, &info.life, &state_dir, &ids);
    let entry = BTreeMap::from([(unit.to_string(), info)]);
    Ok(match format {
        "json" => serde_json::to_string(&entry)? + "\n",
        _ => serde_yaml_ng::to_string(&entry)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::relations::PeerRelation;
    use leaderd_core::wire::controller::RelationData;

    #[test]
    fn storage_in_the_shape_of_juju_storage() {
        let mut info = unit_info("app/0", "local:app-0", &[], &RelationsResponse::default(), false, String::new());
        info.storage = storage_info("app/0", "alive", Path::new("/s/units/app-0"), &["data/0".into()]);
        let yaml = serde_yaml_ng::to_string(&BTreeMap::from([("app/0", info)])).unwrap();
        assert_eq!(
            yaml,
            "app/0:\n  opened-ports: []\n  charm: local:app-0\n  leader: false\n  life: alive\n  storage:\n    \
             data/0:\n      kind: filesystem\n      life: alive\n      status:\n        current: attached\n      \
             persistent: false\n      attachments:\n        units:\n          app/0:\n            location: \
             /s/units/app-0/storage/data/0\n            life: alive\n"
        );
    }

    #[test]
    fn the_shape_of_juju_show_unit() {
        let kv = |k: &str, v: &str| Settings::from([(k.to_string(), v.to_string())]);
        let relation = RelationData {
            members: vec!["app/0".into(), "app/1".into()],
            units: [("app/0".into(), kv("address", "10.0.0.0")), ("app/2".into(), kv("address", "10.0.0.2"))].into(),
            app: kv("secret", "s3"),
            ..RelationData::default()
        };
        let relations = RelationsResponse { relations: [(0, relation)].into(), version: 1 };
        let peers = [PeerRelation { id: 0, endpoint: "cluster".into() }];
        let info = unit_info("app/0", "local:app-0", &peers, &relations, true, String::new());
        let yaml = serde_yaml_ng::to_string(&BTreeMap::from([("app/0", info)])).unwrap();
        assert_eq!(
            yaml,
            "app/0:\n  opened-ports: []\n  charm: local:app-0\n  leader: true\n  life: alive\n  relation-info:\n  \
             - relation-id: 0\n    endpoint: cluster\n    related-endpoint: cluster\n    application-data:\n      \
             secret: s3\n    local-unit:\n      in-scope: true\n      data:\n        address: 10.0.0.0\n    \
             related-units:\n      app/2:\n        in-scope: false\n        data:\n          address: 10.0.0.2\n"
        );
    }
}
