//! `relation-set`: change the unit's bag in a relation, or with `--app` (leader only) the
//! application bag. The changes are the hook's until it succeeds: the agent commits them when
//! the hook exits 0 and drops them if it fails.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::leader_set::parse_key_values;
use super::relation::{self, Checked, HookRelation};
use super::relation_help::{RELATION_SET_DETAILS, RELATION_SET_EXAMPLES};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::gocompat::go_error_text;
use leaderd_core::model::Settings;

pub const NAME: &str = "relation-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY=VALUE", "Settings to write; an empty value deletes the key")),
    live_keys: None,
};

/// Juju 3.6.0's definition.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    cmd::tool_command(NAME, "key=value [key=value ...]")
        .about("Set relation settings.")
        .long_about(RELATION_SET_DETAILS)
        .after_long_help(RELATION_SET_EXAMPLES)
        .arg(relation::bool_flag("app", "pick whether you are setting \"application\" settings or \"unit\" settings"))
        .arg(
            Arg::new("file")
                .long("file")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .value_hint(clap::ValueHint::FilePath)
                .allow_hyphen_values(true)
                .help("file containing key-value pairs"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("")
                .allow_hyphen_values(true)
                .help("deprecated format flag"),
        )
        .arg(relation::relation_arg(&hook, "specify a relation by id"))
}

/// A validated `relation-set` call.
pub struct RelationSet {
    checked: Option<Checked<Settings>>,
    app: bool,
    file: Option<OsString>,
    format: String,
}

/// juju/cmd `Init`: a relation, then `key=value` pairs (juju/utils `keyvalues.Parse`).
pub fn init(m: &ArgMatches) -> Result<RelationSet, UsageError> {
    let relation = relation::chosen(m, &HookRelation::from_env())?;
    let args = cmd::positionals(m);
    let parsed = args
        .iter()
        .map(|a| cmd::require_utf8(a))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|args| parse_key_values(&args).map_err(|e| UsageError(e.to_string())));
    Ok(RelationSet {
        checked: Some(Checked { relation, init: parsed }),
        app: m.get_one::<bool>("app").copied().unwrap_or(false),
        file: m.get_one::<OsString>("file").filter(|f| !f.is_empty()).cloned(),
        format: m.get_one::<String>("format").cloned().unwrap_or_default(),
    })
}

impl Run for RelationSet {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let (relation, pairs) = match relation::resolve(ctx, checked)? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        // Juju writes this first, without a newline, whatever happens next.
        let warning = if self.format.is_empty() {
            Vec::new()
        } else {
            format!("--format flag deprecated for command {}", leaderd_core::format::go_quote(NAME)).into_bytes()
        };
        let fail = |message: String| {
            let mut stderr = warning.clone();
            stderr.extend(format!("ERROR {message}\n").into_bytes());
            Ok(Outcome { stderr, code: 1, ..Default::default() })
        };
        let mut settings = match &self.file {
            None => Settings::new(),
            Some(file) => match read_settings_file(file)
                .and_then(|text| parse_settings_yaml(&text).map_err(SettingsFileError::from))
            {
                Ok(settings) => settings,
                Err(e) => return fail(e.to_string()),
            },
        };
        settings.extend(pairs);
        match ctx.set_relation_settings(relation.id, self.app, settings) {
            Ok(()) => Ok(Outcome { stderr: warning, ..Default::default() }),
            Err(e) => fail(relation::data_error(e, "cannot write relation settings").message),
        }
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}

/// Why `--file` gave no settings, in the words Juju's `relation-set` fails with.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettingsFileError {
    #[error("{}", go_error_text(.0))]
    Stdin(#[source] std::io::Error),
    #[error("open {}: {}", .path.display(), go_error_text(.source))]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Opened but not read (a directory): Go's `*os.File` Read error.
    #[error("read {}: {}", .path.display(), go_error_text(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("yaml: invalid leading UTF-8 octet")]
    NotUtf8,
    #[error(transparent)]
    Yaml(#[from] SettingsYamlError),
}

/// A settings file that yaml.v2 would not unmarshal into `map[string]string`, in its words.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettingsYamlError {
    /// Not YAML: the parser's reason, without its position.
    #[error("yaml: {}", yaml_reason(.0))]
    Syntax(#[source] serde_yaml_ng::Error),
    /// Something that is not a string where one is wanted: each (line, what) as yaml.v2 lists
    /// them, `line N: cannot unmarshal WHAT`.
    #[error("yaml: unmarshal errors:\n{}", unmarshal_lines(.0))]
    Unmarshal(Vec<(usize, String)>),
}

fn unmarshal_lines(errors: &[(usize, String)]) -> String {
    let lines: Vec<String> =
        errors.iter().map(|(line, what)| format!("  line {line}: cannot unmarshal {what}")).collect();
    lines.join("\n")
}

/// `--file`: `-` is stdin; a path is read as juju/cmd's `FileVar` does (`~` expanded, then
/// relative to the working directory), failing in Go's words.
pub(crate) fn read_settings_file(file: &OsString) -> Result<String, SettingsFileError> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map_err(SettingsFileError::Stdin)?;
    } else {
        let path = Path::new(file);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let expanded = match (path.strip_prefix("~"), home) {
            (Ok(rest), Some(home)) => home.join(rest),
            _ => path.to_path_buf(),
        };
        let path = leaderd_core::gocompat::go_clean(&std::env::current_dir().unwrap_or_default().join(expanded));
        // Opened, then read to the end, as `FileVar.Open` and `io.ReadAll` do: a directory
        // opens and fails to read.
        let mut file =
            std::fs::File::open(&path).map_err(|source| SettingsFileError::Open { path: path.clone(), source })?;
        file.read_to_end(&mut bytes).map_err(|source| SettingsFileError::Read { path, source })?;
    }
    String::from_utf8(bytes).map_err(|_| SettingsFileError::NotUtf8)
}

/// `yaml.Unmarshal` into `map[string]string`, the first document only: scalars become their
/// text, `null` (and `~`, an empty value) the empty string that deletes a key; anything else
/// fails with yaml.v2's words.
pub(crate) fn parse_settings_yaml(text: &str) -> Result<Settings, SettingsYamlError> {
    use serde::Deserialize;
    use serde_yaml_ng::Value;
    let first = serde_yaml_ng::Deserializer::from_str(text).next();
    let doc = match first {
        None => return Ok(Settings::new()),
        Some(doc) => Value::deserialize(doc).map_err(SettingsYamlError::Syntax)?,
    };
    let unmarshal = |line: usize, what: String| SettingsYamlError::Unmarshal(vec![(line, what)]);
    let map = match doc {
        Value::Null => return Ok(Settings::new()),
        Value::Mapping(map) => map,
        Value::Sequence(_) => return Err(unmarshal(1, "!!seq into map[string]string".into())),
        Value::Tagged(_) => return Err(unmarshal(1, "!!map into map[string]string".into())),
        scalar => {
            let (tag, text) = scalar_text(&scalar).unwrap_or(("!!str", String::new()));
            let shown = if text.chars().count() > 10 { text.chars().take(7).collect::<String>() + "..." } else { text };
            return Err(unmarshal(1, format!("{tag} `{shown}` into map[string]string")));
        }
    };
    let mut errors = Vec::new();
    for (key, value) in map {
        let key = scalar_text(&key).map(|(_, t)| t).unwrap_or_default();
        match value {
            Value::Sequence(_) => errors.push((line_of(text, &key), "!!seq into string".to_string())),
            Value::Mapping(_) | Value::Tagged(_) => errors.push((line_of(text, &key), "!!map into string".to_string())),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(SettingsYamlError::Unmarshal(errors));
    }
    // Every key and value is a scalar: read them again as their written text, as yaml.v2 does
    // for a string target (`decode.go`, `scalar`: `out.SetString(n.value)`), so `0x10`, `True`,
    // `+1` and `1e3` stay as written; a null (`~`, `null`, nothing) is the empty string.
    let first = serde_yaml_ng::Deserializer::from_str(text).next().expect("a first document, read above");
    let raw: Vec<(Option<String>, Option<String>)> = RawMap::deserialize(first).map_err(SettingsYamlError::Syntax)?.0;
    Ok(raw.into_iter().map(|(k, v)| (k.unwrap_or_default(), v.unwrap_or_default())).collect())
}

/// A mapping's scalar keys and values as written, in order.
struct RawMap(Vec<(Option<String>, Option<String>)>);

impl<'de> serde::Deserialize<'de> for RawMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawMap, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of scalars")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawMap, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(RawMap(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// A scalar's tag and text.
fn scalar_text(value: &serde_yaml_ng::Value) -> Option<(&'static str, String)> {
    use serde_yaml_ng::Value;
    match value {
        Value::String(s) => Some(("!!str", s.clone())),
        Value::Bool(b) => Some(("!!bool", b.to_string())),
        Value::Number(n) if n.is_f64() => Some(("!!float", n.to_string())),
        Value::Number(n) => Some(("!!int", n.to_string())),
        Value::Null => Some(("!!null", String::new())),
        _ => None,
    }
}

/// The 1-based line where `key` is first written (for yaml.v2's error lines).
fn line_of(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.contains(&format!("{key}:"))).map_or(1, |i| i + 1)
}

/// The parser's reason, without its position suffix.
fn yaml_reason(e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_settings_yaml, read_settings_file};

    #[test]
    fn a_settings_file_that_cannot_be_read_fails_in_gos_words() {
        let err = read_settings_file(&"/nonexistent-leaderd/missing.yaml".into()).unwrap_err().to_string();
        assert_eq!(err, "open /nonexistent-leaderd/missing.yaml: no such file or directory");
        // A directory opens, and fails to read (Go's os.File.Read error).
        let dir = std::env::temp_dir().join(format!("leaderd-relation-set-{}.d", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = read_settings_file(&dir.clone().into_os_string()).unwrap_err().to_string();
        std::fs::remove_dir(&dir).unwrap();
        assert_eq!(err, format!("read {}: is a directory", dir.display()));
        let binary = std::env::temp_dir().join(format!("leaderd-relation-set-{}.yaml", std::process::id()));
        std::fs::write(&binary, b"\xff\xfe").unwrap();
        let err = read_settings_file(&binary.clone().into_os_string()).unwrap_err().to_string();
        std::fs::remove_file(&binary).unwrap();
        assert_eq!(err, "yaml: invalid leading UTF-8 octet");
    }

    #[test]
    fn settings_files_read_as_yaml_v2_reads_them_into_strings() {
        let ok = |text: &str| parse_settings_yaml(text).unwrap();
        assert_eq!(ok(""), Default::default());
        assert_eq!(ok("~"), Default::default());
        let s = ok("port: 80\nname: x\ngone:\nnull-too: null\n");
        assert_eq!(s["port"], "80");
        assert_eq!(s["gone"], "");
        assert_eq!(s["null-too"], "");
        assert_eq!(ok("{\"a\": \"b\", \"c\": \"\"}")["a"], "b");
        assert_eq!(ok("{a: b}\n---\n{c: d}\n").len(), 1, "the first document only");
        let raw = ok("a: 0x10\nb: True\nc: +1\nd: 1e3\ne: 1.50\nf: yes\n0x1F: k\nNull: x\ng: NULL\n");
        let want: Vec<(&str, &str)> =
            vec![("", "x"), ("0x1F", "k"), ("a", "0x10"), ("b", "True"), ("c", "+1"), ("d", "1e3"), ("e", "1.50")];
        let mut want: Vec<(String, String)> = want.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        want.extend([("f".into(), "yes".into()), ("g".into(), String::new())]);
        assert_eq!(raw.into_iter().collect::<Vec<_>>(), want, "scalars as written, as yaml.v2 reads them into strings");
        let err = |text: &str| parse_settings_yaml(text).unwrap_err().to_string();
        assert_eq!(
            err("haha"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `haha` into map[string]string"
        );
        assert_eq!(
            err("foo=bar, baz=qux"),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo=bar...` into map[string]string"
        );
        assert_eq!(err("[haha]"), "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string");
        assert_eq!(err("{a: {b: c}}"), "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string");
        assert_eq!(err("x: 1\na: [1]\n"), "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string");
    }
}
