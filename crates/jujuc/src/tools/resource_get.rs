//! `resource-get`: the path of the unit's copy of a file resource (given to `leaderd up` with
//! `--resource NAME=PATH`).

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;

pub const NAME: &str = "resource-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("RESOURCE", "The resource's name, as metadata.yaml declares it")),
    live_keys: None,
};

const DOC: &str = "
\"resource-get\" is used while a hook is running to get the local path
to the file for the identified resource. This file is an fs-local copy,
unique to the unit for which the hook is running. It is downloaded from
the controller, if necessary.

If \"resource-get\" for a resource has not been run before (for the unit)
then the resource is downloaded from the controller at the revision
associated with the unit's application. That file is stored in the unit's
local cache. If \"resource-get\" *has* been run before then each
subsequent run syncs the resource with the controller. This ensures
that the revision of the unit-local copy of the resource matches the
revision of the resource associated with the unit's application.

Either way, the path provided by \"resource-get\" references the
up-to-date file for the resource. Note that the resource may get
updated on the controller for the application at any time, meaning the
cached copy *may* be out of date at any time after you call
\"resource-get\". Consequently, the command should be run at every
point where it is critical that the resource be up to date.

The \"upgrade-charm\" hook is useful for keeping your charm's resources
on a unit up to date.  Run \"resource-get\" there for each of your
charm's resources to do so. The hook fires whenever the the file for
one of the application's resources changes on the controller (in addition
to when the charm itself changes). That means it happens in response
to \"juju upgrade-charm\" as well as to \"juju push-resource\".

Note that the \"upgrade-charm\" hook does not run when the unit is
started up. So be sure to run \"resource-get\" for your resources in the
\"install\" hook (or \"config-changed\", etc.).

Note that \"resource-get\" only provides an FS path to the resource file.
It does not provide any information about the resource (e.g. revision).

Further details:
resource-get fetches a resource from the Juju controller or Charmhub.
The command returns a local path to the file for a named resource.

If resource-get has not been run for the named resource previously, then the
resource is downloaded from the controller at the revision associated with
the unit\u{2019}s application. That file is stored in the unit\u{2019}s local cache.
If resource-get has been run before then each subsequent run synchronizes the
resource with the controller. This ensures that the revision of the unit-local
copy of the resource matches the revision of the resource associated with the
unit\u{2019}s application.

The path provided by resource-get references the up-to-date file for the resource.
Note that the resource may get updated on the controller for the application at
any time, meaning the cached copy may be out of date at any time after
resource-get is called. Consequently, the command should be run at every point
where it is critical for the resource be up to date.
";

/// The clap definition, with Juju 3.6's help text (`resource-get.go`).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<resource name>")
        .about("Get the path to the locally cached resource file.")
        .long_about(DOC)
        .after_long_help("\n    # resource-get software\n    /var/lib/juju/agents/unit-resources-example-0/resources/software/software.zip\n")
}

/// A validated `resource-get` call.
#[derive(Debug)]
pub struct ResourceGet {
    name: String,
}

/// `ResourceGetCmd.Init`.
pub fn init(m: &ArgMatches) -> Result<ResourceGet, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("missing required resource name".into()));
    };
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    Ok(ResourceGet { name: cmd::require_utf8(first)?.to_string() })
}

/// What Juju's controller answers for a resource it has no file of (`resource/opener.go`,
/// `errors.NotFoundf("resource %q", name)`, through the unit's HTTP download).
pub fn not_found(name: &str) -> String {
    format!("HTTP request failed: resource {} not found", go_quote(name))
}

impl Run for ResourceGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let path = ctx.download_resource(&self.name).map_err(|e| {
            let RunError { message, client_side } = e.unannotated();
            RunError { message: format!("could not download resource: {message}"), client_side }
        })?;
        // Juju writes the path with no newline after it.
        Ok(Outcome { stdout: path.into_bytes(), ..Default::default() })
    }
}
