//! `juju remove-relation <application1>[:<relation name1>] <application2>[:<relation name2>] |
//! <relation-id>` (juju/juju 3.6.0 `cmd/juju/application/removerelation.go`): the relation
//! becomes dying; each unit runs `-relation-departed` for the other side's units and
//! `-relation-broken`, and the relation is removed once no unit is in its scope. Prints
//! nothing; `relation matching "a b" not found` when none matches.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::controller::RemoveRelationRequest;

use super::model::{model_option, Model};
use super::{JujuCommand, Outcome, Run, RunError};
use crate::local::relations::RelationCallError;

pub(crate) const REMOVE_RELATION: JujuCommand =
    JujuCommand { name: "remove-relation", command, init: |m| Ok(Box::new(RemoveRelation::init(m)?)) };

const SUMMARY: &str = "Removes an existing relation between two applications.";

const DOC: &str = "An existing relation between the two specified applications will be removed. 
This should not result in either of the applications entering an error state,
but may result in either or both of the applications being unable to continue
normal operation. In the case that there is more than one relation between
two applications it is necessary to specify which is to be removed (see
examples). Relations will automatically be removed when using the`juju
remove-application` command.

The relation is specified using the relation endpoint names, eg
  mysql wordpress, or
  mediawiki:db mariadb:db

It is also possible to specify the relation ID, if known. This is useful to
terminate a relation originating from a different model, where only the ID is known. 

Sometimes, the removal of the relation may fail as Juju encounters errors
and failures that need to be dealt with before a relation can be removed.
However, at times, there is a need to remove a relation ignoring
all operational errors. In these rare cases, use --force option but note 
that --force will remove a relation without giving it the opportunity to be removed cleanly.

";

const EXAMPLES: &str = "
    juju remove-relation mysql wordpress
    juju remove-relation 4
    juju remove-relation 4 --force

In the case of multiple relations, the relation name should be specified
at least once - the following examples will all have the same effect:

    juju remove-relation mediawiki:db mariadb:db
    juju remove-relation mediawiki mariadb:db
    juju remove-relation mediawiki:db mariadb
";

fn command() -> Command {
    model_option(cmd::tool_command(
        "juju remove-relation",
        "<application1>[:<relation name1>] <application2>[:<relation name2>] | <relation-id>",
    ))
    .about(SUMMARY)
    .long_about(DOC)
    .after_long_help(EXAMPLES)
    .arg(cmd::bool_flag("force", "Force remove a relation"))
}

struct RemoveRelation {
    matches: ArgMatches,
    request: RemoveRelationRequest,
}

impl RemoveRelation {
    /// Juju's Init: one relation id (`strconv.Atoi`, not negative), or two endpoints.
    fn init(m: &ArgMatches) -> Result<RemoveRelation, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let request = match args.as_slice() {
            [id] => match id.parse::<i64>() {
                Ok(n) if n >= 0 => RemoveRelationRequest { id: Some(n as u64), ..Default::default() },
                _ => {
                    return Err(UsageError(format!("relation ID {} not valid", leaderd_core::format::go_quote(id))));
                }
            },
            [_, _] => RemoveRelationRequest { endpoints: args.clone(), ..Default::default() },
            _ => return Err(UsageError("a relation must involve two applications".into())),
        };
        Ok(RemoveRelation { matches: m.clone(), request })
    }
}

impl Run for RemoveRelation {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.matches)?;
        match crate::local::relations::remove(&model.dir, self.request.clone()) {
            Ok(_) => Ok(Outcome::default()),
            Err(RelationCallError::Refused(_, message)) => Err(RunError(message)),
            Err(RelationCallError::Failed(e)) => Err(RunError(format!("{e:#}"))),
        }
    }
}

#[cfg(test)]
mod tests {

    use super::super::tests_support::{finished as juju, stderr};

    #[test]
    fn init_errors_are_jujus() {
        let two = ("ERROR a relation must involve two applications\n".to_string(), 2);
        assert_eq!(stderr(&["remove-relation"]), two);
        assert_eq!(stderr(&["remove-relation", "a", "b", "c"]), two);
        assert_eq!(stderr(&["remove-relation", "db"]), ("ERROR relation ID \"db\" not valid\n".into(), 2));
        assert_eq!(stderr(&["remove-relation", "-1"]).1, 2);
    }

    #[test]
    fn the_help_is_jujus() {
        let help = String::from_utf8(juju(&["remove-relation", "--help"]).stdout).unwrap();
        assert!(help.starts_with("Usage: juju remove-relation [options] <application1>[:<relation name1>] "), "{help}");
        assert!(help.contains("\nSummary:\nRemoves an existing relation between two applications.\n"), "{help}");
        assert!(help.contains("--force"), "{help}");
        assert!(help.contains("    juju remove-relation mediawiki:db mariadb\n"), "{help}");
    }
}
