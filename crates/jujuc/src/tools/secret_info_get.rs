//! `secret-info-get`: the metadata of a secret the unit owns, by URI or by label, keyed by its
//! id, in the shape of Juju's `metadataDisplay`.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::secret;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Node, Tree, Value};
use leaderd_core::wire::hook::SecretMetadata;

pub const NAME: &str = "secret-info-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("ID", "The secret")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    secret::yaml_json_output_args(cmd::tool_command(NAME, "<ID>"))
        .about("Get a secret's metadata info.")
        .long_about("\nGet the metadata of a secret with a given secret ID.\nEither the ID or label can be used to identify the secret.\n")
        .after_long_help("\n    secret-info-get secret:9m4e2mr0ui3e8a215n4g\n    secret-info-get --label db-password\n")
        .arg(secret::string_option("label", "label", "", "a label used to identify the secret"))
}

/// Which secret: by id or by label.
#[derive(Debug)]
enum Wanted {
    Id(String),
    Label(String),
}

/// A validated `secret-info-get` call.
#[derive(Debug)]
pub struct SecretInfoGet {
    wanted: Wanted,
    output: OutputOptions,
}

/// `secretInfoGetCommand.Init`.
pub fn init(m: &ArgMatches) -> Result<SecretInfoGet, UsageError> {
    let args = cmd::positionals(m);
    let id = match args.first() {
        Some(first) => Some(secret::secret_uri_not_valid(first)?.id.as_str().to_string()),
        None => None,
    };
    let label = m.get_one::<String>("label").cloned().unwrap_or_default();
    let wanted = match (id, label.is_empty()) {
        (None, true) => return Err(UsageError("require either a secret URI or label".into())),
        (Some(_), false) => return Err(UsageError("specify either a secret URI or label but not both".into())),
        (Some(id), true) => Wanted::Id(id),
        (None, false) => Wanted::Label(label),
    };
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    Ok(SecretInfoGet { wanted, output: OutputOptions::from_matches(m) })
}

/// Juju's `metadataDisplay`: `revision`, `label` and `owner` always, the rest when set.
fn display(md: &SecretMetadata) -> Node {
    let mut fields = vec![
        ("revision".to_string(), Node::Int(i64::from(md.latest_revision))),
        ("label".to_string(), Node::Str(md.label.clone())),
        // `md.Owner.Kind()`: the tag's kind.
        ("owner".to_string(), Node::Str(md.owner.split('-').next().unwrap_or_default().to_string())),
    ];
    if !md.description.is_empty() {
        fields.push(("description".into(), Node::Str(md.description.clone())));
    }
    // Juju shows the policy a charm set; without one the field is empty and omitted. The
    // agent answers `never` for both "never" and none, so `never` is omitted too.
    if !md.rotate_policy.is_empty() && md.rotate_policy != "never" {
        fields.push(("rotation".into(), Node::Str(md.rotate_policy.clone())));
    }
    if let Some(expiry) = &md.latest_expire_time {
        fields.push(("expiry".into(), Node::Time(expiry.clone())));
    }
    if let Some(rotates) = &md.next_rotate_time {
        fields.push(("rotates".into(), Node::Time(rotates.clone())));
    }
    if !md.access.is_empty() {
        let access = md
            .access
            .iter()
            .map(|a| {
                Node::Struct(vec![
                    ("target".into(), Node::Str(a.target.clone())),
                    ("scope".into(), Node::Str(a.scope.clone())),
                    ("role".into(), Node::Str(a.role.clone())),
                ])
            })
            .collect();
        fields.push(("access".into(), Node::List(access)));
    }
    Node::Struct(fields)
}

impl Run for SecretInfoGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let all = ctx.secret_metadata().map_err(|e| e.unannotated())?;
        let (found, want) = match &self.wanted {
            Wanted::Id(id) => (all.get_key_value(id), id),
            Wanted::Label(label) => (all.iter().find(|(_, md)| &md.label == label), label),
        };
        let Some((id, md)) = found else {
            return Err(RunError { message: format!("secret {} not found", go_quote(want)), client_side: false });
        };
        let tree = Tree::from([(id.clone(), display(md))]);
        Ok(Outcome::print(Value::Tree(tree), self.output))
    }
}
