//! `juju grant-secret <ID>|<name> <application>[,<application>...]` and `juju revoke-secret`
//! (the same arguments) (juju/juju 3.6.0 `cmd/juju/secrets/grantrevoke.go`): which applications
//! may read a secret the model owns. leaderd's `grant-secret`/`revoke-secret` do the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, state};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const GRANT_SECRET: JujuCommand =
    JujuCommand { name: "grant-secret", command: grant, init: |m| Ok(Box::new(Access::init(m, true)?)) };

pub(crate) const REVOKE_SECRET: JujuCommand =
    JujuCommand { name: "revoke-secret", command: revoke, init: |m| Ok(Box::new(Access::init(m, false)?)) };

const ARGS: &str = "<ID>|<name> <application>[,<application>...]";

fn grant() -> Command {
    model::model_option(cmd::tool_command("juju grant-secret", ARGS))
        .about("Grant access to a secret.")
        .long_about("\nGrant applications access to view the value of a specified secret.\n")
        .after_long_help(
            "\n    juju grant-secret my-secret ubuntu-k8s\n    juju grant-secret 9m4e2mr0ui3e8a215n4g ubuntu-k8s,prometheus-k8s\n",
        )
}

fn revoke() -> Command {
    model::model_option(cmd::tool_command("juju revoke-secret", ARGS))
        .about("Revoke access to a secret.")
        .long_about("\nRevoke applications' access to view the value of a specified secret.\n")
        .after_long_help(
            "\n    juju revoke-secret my-secret ubuntu-k8s\n    juju revoke-secret 9m4e2mr0ui3e8a215n4g ubuntu-k8s,prometheus-k8s\n",
        )
}

struct Access {
    matches: ArgMatches,
    grant: bool,
    secret: String,
    apps: String,
}

impl Access {
    fn init(m: &ArgMatches, grant: bool) -> Result<Access, UsageError> {
        let args = cmd::positionals(m);
        let [secret, apps, rest @ ..] = args.as_slice() else {
            return Err(UsageError("missing secret URI or application name".into()));
        };
        if !rest.is_empty() {
            return Err(cmd::unrecognized(rest));
        }
        let text = |a: &std::ffi::OsString| a.to_string_lossy().into_owned();
        Ok(Access { matches: m.clone(), grant, secret: text(secret), apps: text(apps) })
    }
}

impl Run for Access {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        crate::local::secrets::access(&state, self.grant, Some(self.secret.clone()), Some(self.apps.clone())).map_err(
            |e| {
                // juju/juju `cmd/juju/secrets/grantrevoke.go` `processGrantRevokeErrors`: a
                // per-application refusal is reported under one heading.
                let error = failed(e);
                match error.0.starts_with("cannot change access to ") {
                    true => RunError(format!("failed to grant/revoke secret: {}", error.0)),
                    false => error,
                }
            },
        )?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        for (name, purpose) in
            [("grant-secret", "Grant access to a secret."), ("revoke-secret", "Revoke access to a secret.")]
        {
            let (help, _, _) = juju(&[name, "--help"]);
            let want = format!(
                "Usage: juju {name} [options] <ID>|<name> <application>[,<application>...]\n\nSummary:\n{purpose}\n\nOptions:\n"
            );
            assert!(help.starts_with(&want), "{help}");
            refused(&[name], "missing secret URI or application name");
            refused(&[name, "sec1"], "missing secret URI or application name");
            refused(&[name, "sec1", "app", "more"], "unrecognized args: [\"more\"]");
            no_such_model(&[name, "sec1", "app"]);
        }
    }
}
