//! `juju version [--all] [--format smart|json|yaml] [-o FILE]` (juju/juju 3.6.0
//! `cmd/juju/commands/version.go`): `3.6.0-ubuntu-amd64`, the version leaderd speaks for with
//! the host's OS type and architecture as Juju names them; `--all` adds the build's details.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, OutputOptions, UsageError};
use leaderd_core::format::{self, Node, Value};

use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const VERSION: JujuCommand =
    JujuCommand { name: "version", command, init: |m| Ok(Box::new(Version::init(m)?)) };

fn command() -> Command {
    cmd::output_args(cmd::tool_command("juju version", ""))
        .about("Print the Juju CLI client version.")
        .long_about("\nPrint only the Juju CLI client version.\n")
        .after_long_help("\n    juju version\n\nPrint all version information:\n\n    juju version --all\n")
        .arg(cmd::bool_flag("all", "Prints all version information"))
}

struct Version {
    all: bool,
    output: OutputOptions,
}

impl Version {
    fn init(m: &ArgMatches) -> Result<Version, UsageError> {
        let extra = cmd::positionals(m);
        if !extra.is_empty() {
            return Err(cmd::unrecognized(&extra));
        }
        Ok(Version { all: m.get_flag("all"), output: OutputOptions::from_matches(m) })
    }
}

impl Run for Version {
    fn run(&self) -> Result<Outcome, RunError> {
        let binary = binary_version(&host_os_type(), std::env::consts::ARCH);
        let value = if self.all {
            // versionDetail: `git-commit`, `git-tree-state` and `official-build` are omitempty
            // (leaderd's build records none); `compiler` is always there (Go's
            // runtime.Compiler; here the compiler that built leaderd).
            Value::Struct(vec![
                ("version".to_string(), Node::Str(binary)),
                ("compiler".to_string(), Node::Str("rustc".to_string())),
            ])
        } else {
            Value::Str(binary)
        };
        let bytes = format::render(self.output.format, &value).into_bytes();
        match &self.output.path {
            None => Ok(Outcome { stdout: bytes, ..Default::default() }),
            Some(path) => {
                jujuc::tools::write_output_file(path, &bytes).map_err(|e| RunError(e.to_string()))?;
                Ok(Outcome::default())
            }
        }
    }
}

/// juju/version `Binary.String()`: `NUMBER-RELEASE-ARCH`.
fn binary_version(os_type: &str, rust_arch: &str) -> String {
    format!("{}-{os_type}-{}", leaderd_core::JUJU_VERSION, go_arch(rust_arch))
}

/// juju/juju `core/os` `HostOSTypeName`: `ubuntu` on Ubuntu, `genericlinux` on the other
/// Linux distributions (CentOS and openSUSE have names of their own in Juju, but no agents).
fn host_os_type() -> String {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let id = release.lines().find_map(|l| l.strip_prefix("ID=")).map(|v| v.trim_matches('"').to_string());
    match id.as_deref() {
        Some("ubuntu") => "ubuntu".into(),
        Some("centos") => "centos".into(),
        Some(id) if id.starts_with("opensuse") => "opensuse".into(),
        _ => "genericlinux".into(),
    }
}

/// Go's architecture names (juju/juju `core/arch`), from Rust's.
fn go_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::tests_support::finished as juju;

    #[test]
    fn the_version_reads_as_jujus_binary_version() {
        assert_eq!(binary_version("ubuntu", "x86_64"), "3.6.0-ubuntu-amd64");
        assert_eq!(binary_version("genericlinux", "aarch64"), "3.6.0-genericlinux-arm64");
    }

    #[test]
    fn plain_json_and_all_print_the_same_version() {
        let expected = binary_version(&host_os_type(), std::env::consts::ARCH);
        let plain = juju(&["version"]);
        assert_eq!((plain.stdout, plain.code), (format!("{expected}\n").into_bytes(), 0));
        let json = juju(&["version", "--format", "json"]);
        assert_eq!(String::from_utf8(json.stdout).unwrap(), format!("\"{expected}\"\n"));
        let all = juju(&["--version"]);
        assert_eq!(String::from_utf8(all.stdout).unwrap(), format!("{expected}\n"), "--version is `version`");
        let all = String::from_utf8(juju(&["version", "--all", "--format=json"]).stdout).unwrap();
        assert!(all.starts_with(&format!("{{\"version\":\"{expected}\",")), "{all}");
        assert!(all.ends_with(",\"compiler\":\"rustc\"}\n"), "{all}");
        let yaml = String::from_utf8(juju(&["version", "--all", "--format", "yaml"]).stdout).unwrap();
        assert!(yaml.starts_with(&format!("version: {expected}\n")), "{yaml}");
    }

    #[test]
    fn version_refuses_arguments_and_unknown_formats_in_jujus_words() {
        let f = juju(&["version", "extra"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap(), f.code),
            ("ERROR unrecognized args: [\"extra\"]\n".into(), 2)
        );
        let f = juju(&["version", "--format", "xml"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap(), f.code),
            ("ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n".into(), 2)
        );
    }
}
