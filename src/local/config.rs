//! `leaderd config` and `leaderd resolve` for a running `up`, as `juju config` and
//! `juju resolved` do them.
//!
//! `leaderd config APP` shows the application's config (the shape of `juju config APP`'s YAML:
//! each option's `default`, `description`, `source` (`default`, `user` or `unset`), `type` and
//! `value`); `leaderd config APP KEY` prints one value; `leaderd config APP KEY=VALUE ...`
//! (`KEY=` or `--reset KEY` back to the default) changes it, all or nothing, with the
//! controller's checks in Juju's words. Changes need the operator token, which only the state
//! directory's owner can make.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;

use super::UpState;
use leaderd_core::wire::controller::{AppConfig, ConfigChangeRequest};
use leaderd_core::wire::run::{ResolveRequest, RESOLVE_PATH};
use leaderd_net::controller_client::CallError;

/// What `leaderd config` was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Every option.
    Show,
    /// One option's value.
    Get(String),
    /// Set these (an empty value resets) and reset those.
    Change { set: BTreeMap<String, String>, reset: Vec<String> },
}

/// Reads `KEY`, `KEY=VALUE ...` and `--reset` into a request, refusing mixtures as Juju 3 does
/// and in its words (`cmd/juju/config/config.go`: `Init`, `validateActions`).
pub fn request(args: &[String], reset: &[String]) -> anyhow::Result<Request> {
    let reset: Vec<String> =
        reset.iter().flat_map(|r| r.split(',')).filter(|k| !k.is_empty()).map(String::from).collect();
    let mut set = BTreeMap::new();
    let mut keys = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some(("", _)) => anyhow::bail!("expected \"key=value\", got {}", leaderd_core::gocompat::go_quote(arg)),
            Some((key, value)) => anyhow::ensure!(
                set.insert(key.to_string(), value.to_string()).is_none(),
                "key {} specified more than once",
                leaderd_core::gocompat::go_quote(key)
            ),
            None => keys.push(arg.clone()),
        }
    }
    // Juju's actions, in the order its Init finds them.
    let actions: Vec<&str> = [
        (!reset.is_empty(), "use --reset flag"),
        (!keys.is_empty(), "get value"),
        (!set.is_empty(), "set key=value pairs"),
    ]
    .into_iter()
    .filter_map(|(given, action)| given.then_some(action))
    .collect();
    if actions.len() > 1 && !keys.is_empty() {
        let (last, first) = actions.split_last().expect("more than one");
        anyhow::bail!("cannot {} and {last} simultaneously", first.join(", "));
    }
    anyhow::ensure!(keys.len() <= 1, "cannot specify multiple keys to get");
    if let Some(key) = reset.iter().find(|k| set.contains_key(*k)) {
        anyhow::bail!("cannot set and reset key {} simultaneously", leaderd_core::gocompat::go_quote(key));
    }
    Ok(match keys.pop() {
        Some(key) => Request::Get(key),
        None if set.is_empty() && reset.is_empty() => Request::Show,
        None => Request::Change { set, reset },
    })
}

/// The change request a [`Request::Change`] makes: `KEY=` resets, as `--reset KEY` does.
pub fn change(set: &BTreeMap<String, String>, reset: &[String]) -> ConfigChangeRequest {
    let set = set
        .iter()
        .map(|(k, v)| (k.clone(), if v.is_empty() { Value::Null } else { Value::String(v.clone()) }))
        .collect();
    ConfigChangeRequest {
        options: None,
        set,
        reset: reset.to_vec(),
        charm: None,
        peers: None,
        storage: None,
        trust: None,
        endpoints: None,
        charm_url: None,
    }
}

/// One option as `leaderd config APP` shows it.
#[derive(Debug, Clone, Serialize)]
struct Setting {
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<Value>,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    source: &'static str,
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
struct Shown<'a> {
    application: &'a str,
    charm: &'a str,
    settings: BTreeMap<String, Setting>,
}

/// `leaderd config APP` in `format` (`yaml` or `json`).
pub fn show(app: &str, charm: &str, config: &AppConfig, format: &str) -> anyhow::Result<String> {
    let settings = config
        .options
        .iter()
        .map(|(name, option)| {
            let default = Some(option.default.clone()).filter(|d| !d.is_null());
            let set = config.values.get(name).cloned();
            let source = match (&set, &default) {
                (Some(_), _) => "user",
                (None, Some(_)) => "default",
                (None, None) => "unset",
            };
            let value = set.or_else(|| default.clone());
            let setting =
                Setting { default, description: option.description.clone(), source, kind: option.kind.clone(), value };
            (name.clone(), setting)
        })
        .collect();
    let shown = Shown { application: app, charm, settings };
    Ok(match format {
        "json" => serde_json::to_string_pretty(&shown)? + "\n",
        _ => serde_yaml_ng::to_string(&shown)?,
    })
}

/// One value as `leaderd config APP KEY` prints it: a string as it is, anything else as JSON
/// text, nothing for an unset option.
pub(crate) fn value_line(value: &Value) -> String {
    match value {
        Value::Null => "\n".into(),
        Value::String(s) => format!("{s}\n"),
        other => format!("{other}\n"),
    }
}

/// `leaderd config APP KEY`: one value as [`value_line`] prints it (JSON with `--format json`);
/// an unknown key in Juju 3's words (`cmd/juju/application/config.go`, `getConfig`).
fn get(app: &str, config: &AppConfig, key: &str, format: &str) -> anyhow::Result<String> {
    let effective = leaderd_core::charm_config::effective(&config.options, &config.values);
    let value = effective.get(key).ok_or_else(|| {
        anyhow::anyhow!(
            "key {} not found in {} application config or charm settings.",
            leaderd_core::gocompat::go_quote(key),
            leaderd_core::gocompat::go_quote(app)
        )
    })?;
    Ok(match format {
        "json" => serde_json::to_string(value)? + "\n",
        _ => value_line(value),
    })
}

/// Runs `leaderd config` against the `up` in `state`; returns what to print.
pub fn run(state: &Path, app: &str, request: Request, format: &str) -> anyhow::Result<String> {
    use leaderd_sys::events::{json_printable, printable};
    let up = UpState::load(state)?;
    leaderd_core::names::check_application(app)?;
    let client = super::status::operator_client(state, &up, app)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let wait = std::time::Duration::from_secs(10);
    let answer = runtime.block_on(async {
        match &request {
            Request::Change { set, reset } => {
                tokio::time::timeout(wait, client.change_config(&change(set, reset))).await
            }
            _ => tokio::time::timeout(wait, client.config()).await,
        }
    });
    let config = match answer {
        Ok(Ok(config)) => config,
        // The controller's own words: Juju's, for a key or value it refuses.
        Ok(Err(CallError::Refused { message, .. })) => anyhow::bail!("{message}"),
        Ok(Err(e)) => return Err(anyhow::anyhow!("{e}")).context("asking the controller"),
        Err(_) => anyhow::bail!("asking the controller at {}: no answer within 10s", client.base()),
    };
    let charm = up
        .application(app)
        .ok()
        .and_then(|a| crate::local::up::charm_name(&a.charm).ok())
        .unwrap_or_else(|| app.to_string());
    match request {
        // The charm's option descriptions and the values, on a terminal: YAML and JSON with
        // the terminal's controls escaped, a plain value spelled out.
        Request::Show => show(app, &charm, &config, format).map(|s| json_printable(&s).into_owned()),
        Request::Get(key) if format == "json" => {
            get(app, &config, &key, format).map(|s| json_printable(&s).into_owned())
        }
        Request::Get(key) => get(app, &config, &key, format).map(|s| printable(&s).into_owned()),
        Request::Change { .. } => Ok(String::new()),
    }
}

/// `leaderd resolve UNIT [--no-retry]`: through the unit agent's control socket.
pub fn resolve(state: &Path, unit: &str, no_retry: bool) -> anyhow::Result<()> {
    let up = UpState::load(state)?;
    let unit = up.unit(state, unit)?;
    // A stopped agent would keep the request waiting, and a killed one is not there: say so.
    let name = &unit.name;
    match unit.run {
        super::RunState::Running | super::RunState::Removing => {}
        super::RunState::Paused => anyhow::bail!("{name} is paused: `leaderd resume {name}` first"),
        other => {
            anyhow::bail!("{name}'s agent is {} (not running): `leaderd restart {name}` starts it again", other.name())
        }
    }
    let body = serde_json::to_vec(&ResolveRequest { no_retry })?;
    let socket = unit.state_dir.join("run.socket");
    let (status, answer) = leaderd_core::unix_http::request_within(
        &socket,
        "POST",
        RESOLVE_PATH,
        Some(&body),
        Some(std::time::Duration::from_secs(10)),
    )
    .with_context(|| format!("asking the agent of {}", unit.name))?;
    if status != 200 {
        let message = leaderd_core::wire::ErrorResponse::decode(status, &answer)
            .map(|(_, m)| m)
            .unwrap_or_else(|| String::from_utf8_lossy(&answer).into_owned());
        anyhow::bail!("{message}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn requests_as_juju_config_reads_them() {
        assert_eq!(request(&[], &[]).unwrap(), Request::Show);
        assert_eq!(request(&args(&["port"]), &[]).unwrap(), Request::Get("port".into()));
        let change = request(&args(&["port=80", "title="]), &args(&["a,b"])).unwrap();
        assert_eq!(
            change,
            Request::Change {
                set: [("port".to_string(), "80".to_string()), ("title".to_string(), String::new())].into(),
                reset: args(&["a", "b"])
            }
        );
        assert!(request(&args(&["=1"]), &[]).is_err());
    }

    #[test]
    fn mixtures_are_refused_in_juju_3s_words() {
        // Juju 3's `cmd/juju/config/config.go` (Init, validateActions) and its tests
        // (`cmd/juju/application/config_test.go`, setCommandInitErrorTests).
        #[rustfmt::skip]
        let cases: [(&[&str], &[&str], &str); 7] = [
            (&["port", "title"], &[], "cannot specify multiple keys to get"),
            (&["port", "x=1"], &[], "cannot get value and set key=value pairs simultaneously"),
            (&["port"], &["title"], "cannot use --reset flag and get value simultaneously"),
            (&["port", "x=1"], &["title"], "cannot use --reset flag, get value and set key=value pairs simultaneously"),
            (&["port=80"], &["port"], "cannot set and reset key \"port\" simultaneously"),
            (&["a=1", "a=2"], &[], "key \"a\" specified more than once"),
            (&["=1"], &[], "expected \"key=value\", got \"=1\""),
        ];
        for (given, reset, want) in cases {
            let err = request(&args(given), &args(reset)).expect_err(want).to_string();
            assert_eq!(err, want, "{given:?} --reset {reset:?}");
        }
        // A key set and another reset is fine (Juju's TestSetReset).
        assert!(request(&args(&["port=80"]), &args(&["title"])).is_ok());
    }

    #[test]
    fn an_empty_value_resets() {
        let c = change(&[("a".to_string(), String::new()), ("b".to_string(), "x".to_string())].into(), &[]);
        assert_eq!(c.set["a"], Value::Null);
        assert_eq!(c.set["b"], Value::String("x".into()));
    }

    #[test]
    fn the_shown_config_names_each_options_source() {
        let options = leaderd_core::charm_config::options(
            "options:\n  port: {type: int, default: 8080, description: The port.}\n  name: {type: string}\n  \
             on: {type: boolean, default: false}\n",
        )
        .unwrap();
        let config = AppConfig {
            options,
            values: [("on".to_string(), Value::Bool(true))].into(),
            version: 2,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        let yaml = show("web", "web", &config, "yaml").unwrap();
        assert_eq!(
            yaml,
            "application: web\ncharm: web\nsettings:\n  name:\n    source: unset\n    type: string\n  on:\n    \
             default: false\n    source: user\n    type: boolean\n    value: true\n  port:\n    default: 8080\n    \
             description: The port.\n    source: default\n    type: int\n    value: 8080\n"
        );
        let json: Value = serde_json::from_str(&show("web", "web", &config, "json").unwrap()).unwrap();
        assert_eq!(json["settings"]["port"]["value"], 8080);
        assert_eq!(get("web", &config, "port", "yaml").unwrap(), "8080\n");
        assert_eq!(get("web", &config, "name", "yaml").unwrap(), "\n", "unset: an empty line");
        assert_eq!(
            get("web", &config, "nope", "yaml").unwrap_err().to_string(),
            "key \"nope\" not found in \"web\" application config or charm settings."
        );
    }
}
