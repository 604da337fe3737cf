//! `juju show-unit <unit name>... [--format yaml|json] [--app] [--endpoint E] [--related-unit
//! U]` (juju/juju 3.6 `cmd/juju/application/showunit.go`): each unit with its charm
//! (`local:<name>-<revision>`), leadership, opened ports, life, address and provider id, and
//! every relation of its application with the bags it can see, in the shape of leaderd's
//! `show-unit` (`crate::local::show_unit`), from the model's controller.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::model::{self, Model};
use super::{view, JujuCommand, Outcome, Run, RunError};
use crate::local::show_unit::{unit_info, UnitInfo};

pub(crate) const SHOW_UNIT: JujuCommand =
    JujuCommand { name: "show-unit", command, init: |m| Ok(Box::new(ShowUnit::init(m)?)) };

fn command() -> Command {
    model::model_option(cmd::tool_command("juju show-unit", "<unit name>"))
        .about("Displays information about a unit.")
        .long_about(
            "\nThe command takes deployed unit names as an argument.\n\nOptionally, relation data for only a \
             specified endpoint\nor related unit may be shown, or just the application data. \n",
        )
        .after_long_help(
            "\nTo show information about a unit:\n\n    juju show-unit mysql/0\n\nTo show information about multiple \
             units:\n\n    juju show-unit mysql/0 wordpress/1\n\nTo show only the application relation data for a \
             unit:\n\n    juju show-unit mysql/0 --app\n\nTo show only the relation data for a specific \
             endpoint:\n\n    juju show-unit mysql/0 --endpoint db\n\nTo show only the relation data for a specific \
             related unit:\n\n    juju show-unit mysql/0 --related-unit wordpress/2\n",
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("yaml")
                .value_parser(["json", "smart", "yaml"])
                .help("Specify output format (json|smart|yaml)"),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .help("Specify an output file"),
        )
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .value_name("ENDPOINT")
                .help("only show relation data for the specified endpoint"),
        )
        .arg(
            Arg::new("related-unit")
                .long("related-unit")
                .value_name("UNIT")
                .help("only show relation data for the specified unit"),
        )
        .arg(cmd::bool_flag("app", "only show application relation data"))
}

struct ShowUnit {
    matches: ArgMatches,
    units: Vec<String>,
    json: bool,
    output: Option<OsString>,
    endpoint: Option<String>,
    related_unit: Option<String>,
    app_only: bool,
}

impl ShowUnit {
    fn init(m: &ArgMatches) -> Result<ShowUnit, UsageError> {
        let units: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        if units.is_empty() {
            return Err(UsageError("an unit name must be supplied".into()));
        }
        let related_unit = m.get_one::<String>("related-unit").filter(|u| !u.is_empty()).cloned();
        if let Some(unit) = related_unit.as_deref().filter(|u| leaderd_core::names::unit_application(u).is_err()) {
            return Err(UsageError(format!("related unit name {unit} not valid")));
        }
        // juju/juju `showunit.go`, `Init`: `errors.NotValidf("unit name%v %v", ...)`.
        let invalid: Vec<&str> =
            units.iter().filter(|u| leaderd_core::names::unit_application(u).is_err()).map(String::as_str).collect();
        if !invalid.is_empty() {
            let plural = if invalid.len() == 1 { "" } else { "s" };
            return Err(UsageError(format!("unit name{plural} {} not valid", invalid.join(", "))));
        }
        Ok(ShowUnit {
            matches: m.clone(),
            units,
            json: m.get_one::<String>("format").is_some_and(|f| f == "json"),
            output: m.get_one::<OsString>("output").filter(|p| !p.is_empty()).cloned(),
            endpoint: m.get_one::<String>("endpoint").filter(|e| !e.is_empty()).cloned(),
            related_unit,
            app_only: m.get_flag("app"),
        })
    }
}

impl Run for ShowUnit {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.matches)?;
        let (up, client) = view::operator(&model, None)?;
        let snapshot = view::ask(client.model_status())?;
        let mut shown = BTreeMap::new();
        let mut errors = Vec::new();
        for unit in &self.units {
            let app = leaderd_core::names::unit_application(unit).unwrap_or_default().to_string();
            let in_model = up.application(&app).is_ok();
            let Some((application, status)) =
                snapshot.applications.get(&app).filter(|_| in_model).and_then(|a| a.units.get(unit).map(|u| (a, u)))
            else {
                errors.push(format!("unit {} not found", leaderd_core::gocompat::go_quote(unit)));
                continue;
            };
            let (_, app_client) = view::operator(&model, Some(&app))?;
            let config = view::ask(app_client.config())?;
            let relations = view::ask(app_client.relations())?;
            let peers: Vec<leaderd_core::relations::PeerRelation> = config
                .peers
                .iter()
                .flatten()
                .enumerate()
                .map(|(id, endpoint)| leaderd_core::relations::PeerRelation {
                    id: id as u64,
                    endpoint: endpoint.clone(),
                })
                .collect();
            let (charm, revision) =
                view::charm_of(&up, &app, application.charm_revision, application.charm_path.as_deref());
            let leader = application.leader.as_deref() == Some(unit.as_str());
            let mut info =
                unit_info(unit, &view::charm_url(&charm, revision), &peers, &relations, leader, status.version.clone());
            info.opened_ports = status.ports.clone();
            // Juju's unit life: `dying` while the model's `up` removes it.
            let removing = up.units.iter().any(|u| &u.name == unit && u.run == crate::local::RunState::Removing);
            info.life = if removing { "dying".into() } else { status.life.clone() };
            info.public_address = "127.0.0.1".into();
            info.address = "127.0.0.1".into();
            info.provider_id = format!("{app}-{}", unit.rsplit_once('/').map_or("0", |(_, n)| n));
            self.filter(&mut info);
            shown.insert(unit.clone(), info);
        }
        if !errors.is_empty() {
            return Err(RunError(errors.join("\n")));
        }
        let text = if self.json {
            json(&shown)
        } else {
            serde_yaml_ng::to_string(&shown).map_err(|e| RunError(e.to_string()))?
        };
        match &self.output {
            None => Ok(Outcome { stdout: text.into_bytes(), ..Default::default() }),
            Some(path) => {
                jujuc::tools::write_output_file(path, text.as_bytes()).map_err(|e| RunError(e.to_string()))?;
                Ok(Outcome::default())
            }
        }
    }
}

impl ShowUnit {
    /// `--endpoint`, `--related-unit` and `--app` (`createUnitInfo`): only that endpoint's
    /// relations, only that related unit's bag, or only the application bags.
    fn filter(&self, info: &mut UnitInfo) {
        if let Some(endpoint) = &self.endpoint {
            info.relation_info.retain(|r| &r.endpoint == endpoint);
        }
        for relation in &mut info.relation_info {
            if self.app_only {
                relation.related_units.clear();
            } else if let Some(unit) = &self.related_unit {
                relation.related_units.retain(|u, _| u == unit);
            }
        }
    }
}

/// Go's `encoding/json` of the units: compact, `<`, `>` and `&` escaped as it escapes them,
/// and `opened-ports` null for a unit with none (a nil slice).
fn json(shown: &BTreeMap<String, UnitInfo>) -> String {
    // The key with an unescaped quote can only be the field (a quote inside a string is
    // escaped), and a bag's values are strings.
    let text = serde_json::to_string(shown).unwrap_or_default().replace("\"opened-ports\":[]", "\"opened-ports\":null");
    text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::relations::PeerRelation;
    use leaderd_core::wire::controller::{RelationData, RelationsResponse};

    use super::super::tests_support::finished as juju;

    #[test]
    fn json_is_jujus_unit_info_with_address_and_provider_id() {
        let relation = RelationData {
            members: vec!["testdb/0".into()],
            units: [("testdb/0".into(), [("k".to_string(), "<v>".to_string())].into())].into(),
            ..Default::default()
        };
        let relations = RelationsResponse { relations: [(0, relation)].into(), version: 1 };
        let peers = [PeerRelation { id: 0, endpoint: "cluster".into() }];
        let mut info = unit_info("testdb/0", "local:testdb-0", &peers, &relations, true, String::new());
        info.public_address = "127.0.0.1".into();
        info.address = "127.0.0.1".into();
        info.provider_id = "testdb-0".into();
        assert_eq!(
            json(&BTreeMap::from([("testdb/0".to_string(), info)])),
            concat!(
                r#"{"testdb/0":{"opened-ports":null,"public-address":"127.0.0.1","charm":"local:testdb-0","leader":true,"life":"alive","#,
                r#""relation-info":[{"relation-id":0,"endpoint":"cluster","related-endpoint":"cluster","application-data":{},"local-unit":{"in-scope":true,"data":{"k":"\u003cv\u003e"}}}],"#,
                r#""provider-id":"testdb-0","address":"127.0.0.1"}}"#,
                "\n"
            )
        );
    }

    #[test]
    fn argument_errors_in_jujus_words() {
        for (args, want) in [
            (&["show-unit"][..], "ERROR an unit name must be supplied\n"),
            (&["show-unit", "testdb"][..], "ERROR unit name testdb not valid\n"),
            (&["show-unit", "a", "b/x"][..], "ERROR unit names a, b/x not valid\n"),
            (&["show-unit", "a/0", "--related-unit", "b"][..], "ERROR related unit name b not valid\n"),
        ] {
            let f = juju(args);
            assert_eq!((String::from_utf8(f.stderr).unwrap().as_str(), f.code), (want, 2), "{args:?}");
        }
        let help = String::from_utf8(juju(&["show-unit", "--help"]).stdout).unwrap();
        assert!(
            help.starts_with(
                "Usage: juju show-unit [options] <unit name>\n\nSummary:\nDisplays information about a unit.\n"
            ),
            "{help}"
        );
    }
}
