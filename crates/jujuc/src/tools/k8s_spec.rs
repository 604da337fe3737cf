//! The Kubernetes spec tools: `k8s-spec-set`, `k8s-spec-get`, `k8s-raw-set`, `k8s-raw-get` and
//! the deprecated `pod-spec-set` and `pod-spec-get`. leaderd's model is a machine model, where
//! Juju 3.6 accepts (and then drops) a leader's spec and cannot read one back: these tools do
//! the same, in Juju's words.

use std::ffi::OsString;
use std::io::Read;

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

fn file_arg(id: &'static str, default: &'static str, help: &'static str) -> Arg {
    Arg::new(id)
        .long(id)
        .value_name("FILE")
        .default_value(default)
        .value_parser(clap::builder::OsStringValueParser::new())
        .value_hint(clap::ValueHint::FilePath)
        .allow_hyphen_values(true)
        .help(help)
}

fn spec_set_command(name: &'static str, purpose: &'static str, example: &'static str) -> Command {
    cmd::tool_command(name, "--file <core spec file> [--k8s-resources <k8s spec file>]")
        .about(purpose)
        .long_about(
            "\nSets configuration data to use for k8s resources.\nThe spec applies to all units for the application.\n",
        )
        .after_long_help(example)
        .arg(file_arg("file", "-", "file containing pod spec"))
        .arg(file_arg("k8s-resources", "", "file containing k8s specific resources not yet modelled by Juju"))
}

fn spec_get_command(name: &'static str, purpose: &'static str) -> Command {
    cmd::tool_command(name, "").about(purpose).long_about("\nGets configuration data used to set up k8s resources.\n")
}

/// `k8s-spec-set` (Juju 3.6's `k8s-spec-set.go`).
pub(crate) fn k8s_spec_set() -> Command {
    spec_set_command(
        "k8s-spec-set",
        "Set k8s spec information.",
        "\n    k8s-spec-set [options] --file <core spec file> [--k8s-resources <k8s spec file>]\"\n",
    )
}

/// `pod-spec-set`, its deprecated name.
pub(crate) fn pod_spec_set() -> Command {
    spec_set_command(
        "pod-spec-set",
        "Set k8s spec information. (deprecated)",
        "\n    pod-spec-set [options] --file <core spec file> [--k8s-resources <k8s spec file>]\"\n",
    )
}

/// `k8s-raw-set` (`k8s-raw-set.go`).
pub(crate) fn k8s_raw_set() -> Command {
    cmd::tool_command("k8s-raw-set", "--file <core spec file>")
        .about("Set k8s raw spec information.")
        .long_about(
            "\nSets configuration data in k8s raw format to use for k8s resources.\n\
             The spec applies to all units for the application.\n",
        )
        .arg(file_arg("file", "-", "file containing k8s raw spec"))
}

pub(crate) fn k8s_spec_get() -> Command {
    spec_get_command("k8s-spec-get", "Get k8s spec information.")
}

pub(crate) fn pod_spec_get() -> Command {
    spec_get_command("pod-spec-get", "Get k8s spec information. (deprecated)")
}

pub(crate) fn k8s_raw_get() -> Command {
    cmd::tool_command("k8s-raw-get", "")
        .about("Get k8s raw spec information.")
        .long_about("\nGets configuration data used to set up k8s resources.\n")
}

const fn tool(name: &'static str, command: fn() -> Command, init: InitFn) -> Tool {
    Tool { name, command, init, positional: None, live_keys: None }
}

type InitFn = fn(&ArgMatches) -> Result<Box<dyn Run>, UsageError>;

pub const K8S_SPEC_SET: Tool = tool("k8s-spec-set", k8s_spec_set, |m| Ok(Box::new(init_set(m, SpecKind::Pod)?)));
pub const POD_SPEC_SET: Tool = tool("pod-spec-set", pod_spec_set, |m| Ok(Box::new(init_set(m, SpecKind::Pod)?)));
pub const K8S_RAW_SET: Tool = tool("k8s-raw-set", k8s_raw_set, |m| Ok(Box::new(init_set(m, SpecKind::Raw)?)));
pub const K8S_SPEC_GET: Tool = tool("k8s-spec-get", k8s_spec_get, |m| Ok(Box::new(init_get(m)?)));
pub const POD_SPEC_GET: Tool = tool("pod-spec-get", pod_spec_get, |m| Ok(Box::new(init_get(m)?)));
pub const K8S_RAW_GET: Tool = tool("k8s-raw-get", k8s_raw_get, |m| Ok(Box::new(init_get(m)?)));

#[derive(Debug, Clone, Copy, PartialEq)]
enum SpecKind {
    Pod,
    Raw,
}

/// A validated spec-set call.
#[derive(Debug)]
pub struct SpecSet {
    kind: SpecKind,
    file: OsString,
    k8s_resources: Option<OsString>,
}

fn no_args(m: &ArgMatches) -> Result<(), UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(())
}

fn init_set(m: &ArgMatches, kind: SpecKind) -> Result<SpecSet, UsageError> {
    no_args(m)?;
    let file = m.get_one::<OsString>("file").cloned().unwrap_or_else(|| "-".into());
    let k8s_resources = m.try_get_one::<OsString>("k8s-resources").ok().flatten().filter(|f| !f.is_empty()).cloned();
    Ok(SpecSet { kind, file, k8s_resources })
}

/// juju/cmd `FileVar.Read`: `-` is stdin; errors in Go's words.
fn read_file_var(file: &OsString) -> Result<Vec<u8>, RunError> {
    let fail = |message: String| RunError { message, client_side: false };
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| fail(leaderd_core::gocompat::go_error_text(&e)))?;
        return Ok(bytes);
    }
    let path = std::path::Path::new(file);
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let expanded = match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    };
    let path = leaderd_core::gocompat::go_clean(&std::env::current_dir().unwrap_or_default().join(expanded));
    std::fs::read(&path)
        .map_err(|e| fail(format!("open {}: {}", path.display(), leaderd_core::gocompat::go_error_text(&e))))
}

/// Juju's `ErrIsNotLeader`.
const NOT_THE_LEADER: &str = "this unit is not the leader";

impl Run for SpecSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let spec = read_file_var(&self.file)?;
        if spec.is_empty() {
            let message = match self.kind {
                SpecKind::Pod => "no k8s spec specified: pipe k8s spec to command, or specify a file with --file",
                SpecKind::Raw => {
                    "no k8s raw spec specified: pipe k8s raw spec to command, or specify a file with --file"
                }
            };
            return Err(RunError { message: message.into(), client_side: false });
        }
        if let Some(resources) = &self.k8s_resources {
            read_file_var(resources)?;
        }
        // The uniter's SetPodSpec/SetRawK8sSpec: leader only. On a machine model the spec a
        // leader sets is then never committed (`HookContext.doFlush` commits specs on CAAS
        // models only), so it is dropped here too.
        let leader = ctx.is_leader().map_err(|e| e.annotate("cannot determine leadership"))?;
        if !leader {
            return Err(RunError { message: NOT_THE_LEADER.into(), client_side: false });
        }
        Ok(Outcome::default())
    }
}

/// A validated spec-get call.
#[derive(Debug)]
pub struct SpecGet;

fn init_get(m: &ArgMatches) -> Result<SpecGet, UsageError> {
    no_args(m)?;
    Ok(SpecGet)
}

/// What Juju's uniter facade answers GetPodSpec and GetRawK8sSpec on a machine model
/// (`state.Model.CAASModel`: `errors.NotSupportedf("called CAASModel() on a non-CAAS Model")`).
pub const NOT_CAAS: &str = "called CAASModel() on a non-CAAS Model not supported";

impl Run for SpecGet {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        Err(RunError { message: NOT_CAAS.into(), client_side: false })
    }
}
