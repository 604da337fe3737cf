//! `network-get`: the network config of a binding (Juju 3.6.0
//! `worker/uniter/runner/jujuc/network-get.go`).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::{self, bool_flag, Checked, Chosen, HookRelation};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Format, Node, Tree, Value};
use leaderd_core::wire::hook::NetworkInfo;

pub const NAME: &str = "network-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("BINDING", "The binding: an endpoint of the charm")),
    live_keys: None,
};

const DOC: &str = "
network-get returns the network config for a given binding name. By default
it returns the list of interfaces and associated addresses in the space for
the binding, as well as the ingress address for the binding. If defined, any
egress subnets are also returned.
If one of the following flags are specified, just that value is returned.
If more than one flag is specified, a map of values is returned.

    --bind-address: the address the local unit should listen on to serve connections, as well
                    as the address that should be advertised to its peers.
    --ingress-address: the address the local unit should advertise as being used for incoming connections.
    --egress-subnets: subnets (in CIDR notation) from which traffic on this relation will originate.
";

const EXAMPLES: &str = "
    network-get dbserver
    network-get dbserver --bind-address

    See https://discourse.charmhub.io/t/charm-network-primitives/1126 for more
    in depth examples and explanation of usage.
";

pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    cmd::output_args(cmd::tool_command(NAME, "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]"))
        .about("Get network config.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(bool_flag("primary-address", "(deprecated) get the primary address for the binding"))
        .arg(bool_flag("bind-address", "get the address for the binding on which the unit should listen"))
        .arg(bool_flag("ingress-address", "get the ingress address for the binding"))
        .arg(bool_flag("egress-subnets", "get the egress subnets for the binding"))
        .arg(relation::relation_arg(&hook, "specify a relation by id"))
}

/// What Init accepted.
#[derive(Debug, Clone)]
struct Query {
    binding: String,
    primary: bool,
    bind: bool,
    ingress: bool,
    egress: bool,
}

/// A validated `network-get` call: the relation to check first (if any), then Init's result.
pub struct NetworkGet {
    relation: Option<Chosen>,
    init: Result<Query, UsageError>,
    output: OutputOptions,
}

/// `NetworkGetCommand.Init`.
fn query(m: &ArgMatches) -> Result<Query, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("no arguments specified".into()));
    };
    let binding = cmd::require_utf8(first)?.to_string();
    if binding.is_empty() {
        return Err(UsageError("no binding name specified".into()));
    }
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    let flag = |name: &str| m.get_one::<bool>(name).copied().unwrap_or(false);
    Ok(Query {
        binding,
        primary: flag("primary-address"),
        bind: flag("bind-address"),
        ingress: flag("ingress-address"),
        egress: flag("egress-subnets"),
    })
}

pub fn init(m: &ArgMatches) -> Result<NetworkGet, UsageError> {
    let hook = HookRelation::from_env();
    // A `-r` (or the hook's relation) is checked before Init's errors; without either the
    // relation is Juju's -1: none.
    let relation = relation::chosen(m, &hook).ok();
    Ok(NetworkGet { relation, init: query(m), output: OutputOptions::from_matches(m) })
}

fn error(message: String) -> RunError {
    RunError { message, client_side: false }
}

/// `resultToDisplay`: the json and yaml field sets differ (yaml keeps the older keys).
fn display(info: &NetworkInfo, format: Format) -> Vec<(String, Node)> {
    let yaml = format != Format::Json;
    let interfaces: Vec<Node> = info
        .info
        .iter()
        .map(|i| {
            let addresses = i
                .addresses
                .iter()
                .map(|a| {
                    let mut fields = vec![
                        ("hostname".to_string(), Node::Str(a.hostname.clone())),
                        ("value".to_string(), Node::Str(a.address.clone())),
                        ("cidr".to_string(), Node::Str(a.cidr.clone())),
                    ];
                    if yaml {
                        fields.push(("address".to_string(), Node::Str(a.address.clone())));
                    }
                    Node::Struct(fields)
                })
                .collect();
            let mut fields = vec![
                ("mac-address".to_string(), Node::Str(i.mac_address.clone())),
                ("interface-name".to_string(), Node::Str(i.interface_name.clone())),
                ("addresses".to_string(), Node::List(addresses)),
            ];
            if yaml {
                fields.push(("macaddress".to_string(), Node::Str(i.mac_address.clone())));
                fields.push(("interfacename".to_string(), Node::Str(i.interface_name.clone())));
            }
            Node::Struct(fields)
        })
        .collect();
    let strings = |v: &[String]| Node::List(v.iter().cloned().map(Node::Str).collect());
    let mut fields = Vec::new();
    if !interfaces.is_empty() {
        fields.push(("bind-addresses".to_string(), Node::List(interfaces)));
    }
    if !info.egress_subnets.is_empty() {
        fields.push(("egress-subnets".to_string(), strings(&info.egress_subnets)));
    }
    if !info.ingress_addresses.is_empty() {
        fields.push(("ingress-addresses".to_string(), strings(&info.ingress_addresses)));
    }
    fields
}

impl Run for NetworkGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let (relation_id, query) = match self.relation {
            Some(chosen) => match relation::resolve(ctx, Checked { relation: chosen, init: self.init })? {
                Ok((relation, query)) => (Some(relation.id), query),
                Err(outcome) => return Ok(outcome),
            },
            None => match self.init {
                Ok(query) => (None, query),
                Err(UsageError(message)) => return Ok(Outcome::usage(&message)),
            },
        };
        let info = ctx.network_info(&query.binding, relation_id).map_err(|e| e.unannotated())?;
        let no_addresses = || error(format!("no addresses attached to space for binding {}", go_quote(&query.binding)));
        if info.info.is_empty() {
            return Err(error(format!("no network config found for binding {}", go_quote(&query.binding))));
        }
        let first = info.info[0].addresses.first().map(|a| a.address.clone());
        if !query.primary && !query.bind && !query.ingress && !query.egress {
            return Ok(Outcome::print(Value::Struct(display(&info, self.output.format)), self.output));
        }
        if query.primary {
            if query.ingress || query.egress || query.bind {
                return Err(error("--primary-address must be the only flag specified".into()));
            }
            return Ok(Outcome::print(Value::Str(first.ok_or_else(no_addresses)?), self.output));
        }
        let mut values: Vec<(&str, Node)> = Vec::new();
        if query.egress {
            values.push(("egress-subnets", Node::List(info.egress_subnets.iter().cloned().map(Node::Str).collect())));
        }
        if query.ingress {
            let ingress = match info.ingress_addresses.first() {
                Some(address) => address.clone(),
                None => first.clone().ok_or_else(no_addresses)?,
            };
            values.push(("ingress-address", Node::Str(ingress)));
        }
        if query.bind {
            // Juju indexes the first address without a check (a binding always has one here).
            values.push(("bind-address", Node::Str(first.ok_or_else(no_addresses)?)));
        }
        if values.len() == 1 {
            let value = match values.pop().map(|(_, v)| v) {
                Some(Node::Str(s)) => Value::Str(s),
                // A Go []string: smart joins it by lines; yaml and json print the list; a nil
                // one prints nothing, `[]` and `null`.
                Some(Node::List(items)) if items.is_empty() && self.output.format == Format::Json => Value::Nil,
                Some(Node::List(items)) => Value::List(
                    items.into_iter().filter_map(|n| if let Node::Str(s) = n { Some(s) } else { None }).collect(),
                ),
                _ => Value::Nil,
            };
            return Ok(Outcome::print(value, self.output));
        }
        let tree: Tree = values.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        Ok(Outcome::print(Value::Tree(tree), self.output))
    }

    fn usage_error(&self) -> Option<String> {
        self.init.as_ref().err().map(|e| e.0.clone())
    }
}
