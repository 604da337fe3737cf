//! The operator's secrets on a running `up`, as Juju 3.6's `juju secrets`, `show-secret`,
//! `add-secret`, `update-secret`, `remove-secret`, `grant-secret` and `revoke-secret` do them
//! (`cmd/juju/secrets/*.go`): the same arguments, the same words, the same output (yaml.v2 and
//! encoding/json of Juju's `secretDisplayDetails`, and its table).
//!
//! Content goes to the controller base64 in the body of a TLS request with the operator token,
//! and comes back only to `show-secret --reveal`: never in a log, the event log or another
//! process's argv.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::UpState;
use leaderd_core::format::{render, Format, Node, Tree, Value};
use leaderd_core::gocompat::go_quote;
use leaderd_core::secrets::format_rfc3339_ms;
use leaderd_core::wire::controller::{
    OperatorSecret, SecretShowRequest, UserSecretAccessRequest, UserSecretAddRequest, UserSecretRemoveRequest,
    UserSecretUpdateRequest,
};
use leaderd_net::controller_client::{CallError, ControllerClient};

/// What `show-secret` adds to the metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Detail {
    /// `--revisions`: every revision's metadata.
    pub revisions: bool,
    /// `show-secret` shows who may read (`access`); `secrets` does not.
    pub access: bool,
}

/// One secret as Juju's `secretDisplayDetails`, fields in its order, for `format` (`json`
/// wraps the content in `Data`, as encoding/json does with Juju's `inline` tag).
pub fn details(s: &OperatorSecret, detail: Detail, format: Format) -> Node {
    let time = |ms: u64| Node::Time(format_rfc3339_ms(ms));
    let mut f: Vec<(String, Node)> = vec![("revision".into(), Node::Int(i64::from(s.latest_revision)))];
    let user = s.owner_kind == "model";
    if !s.checksum.is_empty() {
        f.push(("checksum".into(), Node::Str(s.checksum.clone())));
    }
    if let Some(at) = s.latest_expire_ms {
        f.push(("expires".into(), time(at)));
    }
    if !s.rotate_policy.is_empty() {
        f.push(("rotation".into(), Node::Str(s.rotate_policy.clone())));
    }
    if let Some(at) = s.next_rotate_ms {
        f.push(("rotates".into(), time(at)));
    }
    f.push(("owner".into(), Node::Str(if user { "<model>".into() } else { s.owner.clone() })));
    if !s.description.is_empty() {
        f.push(("description".into(), Node::Str(s.description.clone())));
    }
    if user {
        f.push(("name".into(), Node::Str(s.owner.clone())));
    } else if !s.label.is_empty() {
        f.push(("label".into(), Node::Str(s.label.clone())));
    }
    f.push(("created".into(), time(s.created_ms)));
    f.push(("updated".into(), time(s.updated_ms)));
    if let Some(content) = s.content.as_ref().filter(|c| !c.is_empty()) {
        let data: Tree = content
            .iter()
            .map(|(k, v)| {
                let bytes = leaderd_core::base64::decode(v.as_bytes()).unwrap_or_else(|_| v.clone().into_bytes());
                (k.clone(), Node::Bytes(bytes))
            })
            .collect();
        let node = match format {
            Format::Json => Node::Struct(vec![("Data".into(), Node::Map(data))]),
            _ => Node::Map(data),
        };
        f.push(("content".into(), node));
    }
    if detail.revisions && !s.revisions.is_empty() {
        let revisions = s
            .revisions
            .iter()
            .map(|r| {
                let mut fields = vec![
                    ("revision".to_string(), Node::Int(i64::from(r.revision))),
                    ("created".to_string(), time(r.created_ms)),
                    ("updated".to_string(), time(r.created_ms)),
                ];
                if let Some(at) = r.expire_ms {
                    fields.push(("expires".into(), time(at)));
                }
                Node::Struct(fields)
            })
            .collect();
        f.push(("revisions".into(), Node::List(revisions)));
    }
    if detail.access && !s.access.is_empty() {
        let access = s
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
        f.push(("access".into(), Node::List(access)));
    }
    Node::Struct(f)
}

/// The secrets keyed by bare id in `format` (`yaml` or `json`).
pub fn render_details(secrets: &[OperatorSecret], detail: Detail, format: Format) -> String {
    let tree: Tree = secrets.iter().map(|s| (s.id.clone(), details(s, detail, format))).collect();
    render(format, &Value::Tree(tree))
}

/// Juju's `common.UserFriendlyDuration`.
pub fn user_friendly_duration(when_ms: u64, now_ms: u64) -> String {
    let since = now_ms.saturating_sub(when_ms) / 1000;
    let (hours, minutes) = (since / 3600, since / 60);
    if hours >= 24 {
        format_rfc3339_ms(when_ms)[..10].to_string()
    } else if hours >= 1 {
        format!("{hours} {} ago", if hours == 1 { "hour" } else { "hours" })
    } else if minutes >= 1 {
        format!("{minutes} {} ago", if minutes == 1 { "minute" } else { "minutes" })
    } else if since >= 2 {
        format!("{since} seconds ago")
    } else {
        "just now".into()
    }
}

/// Juju's `formatSecretsTabular`: by owner, then latest revision down; the Revision column
/// right-aligned; juju/ansiterm's tabwriter (padding 2) with a trailing tab on each row.
pub fn tabular(secrets: &[OperatorSecret], now_ms: u64) -> String {
    let mut rows: Vec<(String, u32, Vec<String>)> = secrets
        .iter()
        .map(|s| {
            let user = s.owner_kind == "model";
            let owner = if user { "<model>".to_string() } else { s.owner.clone() };
            let name = if user { s.owner.clone() } else { "-".into() };
            let rotation = if s.rotate_policy.is_empty() { "never".into() } else { s.rotate_policy.clone() };
            let cells = vec![
                s.id.clone(),
                name,
                owner.clone(),
                rotation,
                s.latest_revision.to_string(),
                user_friendly_duration(s.updated_ms, now_ms),
            ];
            (owner, s.latest_revision, cells)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let header: Vec<String> =
        ["ID", "Name", "Owner", "Rotation", "Revision", "Last updated"].iter().map(|s| s.to_string()).collect();
    // The header's last cell ends the line (no tab): it is not in the last column's block.
    let mut widths = [0usize; 6];
    for (i, w) in widths.iter_mut().enumerate() {
        let header_cell = if i < 5 { header[i].chars().count() } else { 0 };
        *w = rows.iter().map(|r| r.2[i].chars().count()).chain([header_cell]).max().unwrap_or(0);
    }
    let line = |cells: &[String], terminated: usize| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i >= terminated {
                out.push_str(cell);
                continue;
            }
            let pad = widths[i] - cell.chars().count();
            if i == 4 {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
                out.push_str("  ");
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header, 5);
    for row in &rows {
        out.push_str(&line(&row.2, 6));
    }
    out
}

/// Which secrets a listing keeps.
pub type Keep = Box<dyn Fn(&OperatorSecret) -> bool>;

/// `--owner TAG` (Juju's `names.ParseTag`): which secrets it keeps.
pub fn owner_filter(tag: &str) -> anyhow::Result<Keep> {
    let invalid = || anyhow::anyhow!("invalid owner {}", go_quote(tag));
    if let Some(app) = tag.strip_prefix("application-") {
        leaderd_core::names::check_application(app).map_err(|_| invalid())?;
        let app = app.to_string();
        return Ok(Box::new(move |s| s.owner_kind == "application" && s.owner == app));
    }
    if let Some(rest) = tag.strip_prefix("unit-") {
        let (app, n) = rest.rsplit_once('-').ok_or_else(invalid)?;
        let unit = format!("{app}/{n}");
        leaderd_core::names::unit_application(&unit).map_err(|_| invalid())?;
        return Ok(Box::new(move |s| s.owner_kind == "unit" && s.owner == unit));
    }
    if tag.strip_prefix("model-").is_some_and(|m| !m.is_empty()) {
        return Ok(Box::new(|s| s.owner_kind == "model"));
    }
    Err(invalid())
}

/// The operator's client for the `up` in `state`, and a runtime to call it on.
fn client(state: &Path) -> anyhow::Result<(ControllerClient, tokio::runtime::Runtime)> {
    let up = UpState::load(state)?;
    let client = super::status::operator_client(state, &up, up.any_application())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    Ok((client, runtime))
}

/// Runs one call, giving the controller 10 s; a refusal in the controller's (Juju's) words.
fn call<T, F>(state: &Path, f: impl FnOnce(ControllerClient) -> F) -> anyhow::Result<T>
where
    F: std::future::Future<Output = Result<T, CallError>>,
{
    let (client, runtime) = client(state)?;
    let base = client.base().to_string();
    let answer = runtime.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(10), f(client)).await });
    match answer {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(CallError::Refused { message, .. })) => anyhow::bail!("{message}"),
        Ok(Err(e)) => Err(anyhow::anyhow!("{e}")).context("asking the controller"),
        Err(_) => anyhow::bail!("asking the controller at {base}: no answer within 10s"),
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn parse_format(format: &str) -> Format {
    if format == "json" {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// `leaderd secrets [--owner TAG] [--format tabular|yaml|json]`.
pub fn list(state: &Path, owner: Option<&str>, format: &str) -> anyhow::Result<String> {
    let keep = match owner {
        Some(tag) => owner_filter(tag)?,
        None => Box::new(|_: &OperatorSecret| true),
    };
    let listed = call(state, |c| async move { c.operator_secrets().await })?;
    let secrets: Vec<OperatorSecret> = listed.secrets.into_iter().filter(|s| keep(s)).collect();
    Ok(match format {
        "tabular" if secrets.is_empty() => String::new(),
        "tabular" => tabular(&secrets, now_ms()),
        _ => render_details(&secrets, Detail::default(), parse_format(format)),
    })
}

/// What `show-secret` was asked, checked as Juju's `Init` checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Show {
    pub secret: String,
    pub reveal: bool,
    pub revisions: bool,
    pub revision: Option<u32>,
}

pub fn show_request(
    secret: Option<String>,
    reveal: bool,
    revisions: bool,
    revision: Option<i64>,
) -> anyhow::Result<Show> {
    let secret = secret.ok_or_else(|| anyhow::anyhow!("secret ID is required"))?;
    anyhow::ensure!(!(revisions && reveal), "specify either --revisions or --reveal but not both");
    anyhow::ensure!(!(revisions && revision.is_some()), "specify either --revisions or --revision but not both");
    let revision = match revision {
        Some(r) if r <= 0 || r > i64::from(u32::MAX) => anyhow::bail!("revision must be a positive integer"),
        r => r.map(|r| r as u32),
    };
    Ok(Show { secret, reveal, revisions, revision })
}

/// `leaderd show-secret ID|NAME [--reveal] [--revision N] [--revisions] [--format yaml|json]`.
pub fn show(state: &Path, show: Show, format: &str) -> anyhow::Result<String> {
    let request = SecretShowRequest { secret: show.secret, reveal: show.reveal, revision: show.revision };
    let shown = call(state, |c| async move { c.show_secret(&request).await })?;
    let detail = Detail { revisions: show.revisions, access: true };
    Ok(render_details(&shown.secrets, detail, parse_format(format)))
}

/// The content from `key=value`, `key#base64=value`, `key#file=PATH` and `--file` (Juju's
/// `SecretUpsertContentCommand`): the file's keys, then the arguments'.
fn content(args: &[String], file: Option<&PathBuf>) -> anyhow::Result<BTreeMap<String, String>> {
    let mut content = match file {
        Some(file) => jujuc::tools::secret::read_secret_data(file).map_err(anyhow::Error::msg)?,
        None => BTreeMap::new(),
    };
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    content.extend(jujuc::tools::secret::create_secret_data(&args).map_err(anyhow::Error::msg)?);
    Ok(content)
}

/// `leaderd add-secret NAME key=value... [--info TEXT] [--file FILE]`: prints `secret:ID`.
pub fn add(
    state: &Path,
    name: Option<String>,
    args: &[String],
    info: Option<String>,
    file: Option<PathBuf>,
) -> anyhow::Result<String> {
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| anyhow::anyhow!("secret name needs to be supplied as the first argument"))?;
    anyhow::ensure!(!args.is_empty() || file.is_some(), "missing secret value or filename");
    let content = content(args, file.as_ref())?;
    let request = UserSecretAddRequest { name, content, description: info };
    let id = call(state, |c| async move { c.add_user_secret(&request).await })?;
    Ok(format!("secret:{id}\n"))
}

/// `leaderd update-secret ID|NAME [key=value...] [--info TEXT] [--file FILE] [--name NAME]`.
pub fn update(
    state: &Path,
    secret: Option<String>,
    args: &[String],
    info: Option<String>,
    file: Option<PathBuf>,
    name: Option<String>,
) -> anyhow::Result<()> {
    let secret = secret.ok_or_else(|| anyhow::anyhow!("missing secret URI"))?;
    let content = if args.is_empty() && file.is_none() { None } else { Some(content(args, file.as_ref())?) };
    let request = UserSecretUpdateRequest { secret, content, description: info, name };
    call(state, |c| async move { c.update_user_secret(&request).await })?;
    Ok(())
}

/// `leaderd remove-secret ID|NAME [--revision N]`.
pub fn remove(state: &Path, secret: String, revision: Option<u32>) -> anyhow::Result<()> {
    let request = UserSecretRemoveRequest { secret, revision };
    call(state, |c| async move { c.remove_user_secret(&request).await })?;
    Ok(())
}

/// `leaderd grant-secret` (`grant`) or `revoke-secret ID|NAME APP[,APP...]`.
pub fn access(state: &Path, grant: bool, secret: Option<String>, apps: Option<String>) -> anyhow::Result<()> {
    let (Some(secret), Some(apps)) = (secret, apps) else { anyhow::bail!("missing secret URI or application name") };
    let applications = apps.split(',').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect();
    let request = UserSecretAccessRequest { secret, applications };
    call(state, |c| async move { c.user_secret_access(grant, &request).await })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::wire::controller::OperatorSecretRevision;
    use leaderd_core::wire::hook::SecretAccess;

    const T: u64 = 1_750_931_018_000; // 2025-06-26T09:43:38Z

    fn charm() -> OperatorSecret {
        OperatorSecret {
            id: "d1ehcifmp25c76e01vhg".into(),
            owner_kind: "application".into(),
            owner: "example-charm".into(),
            label: "example-charm-secret".into(),
            description: "Some description".into(),
            rotate_policy: "daily".into(),
            next_rotate_ms: Some(T + 86_400_000),
            created_ms: T,
            updated_ms: T,
            latest_revision: 1,
            latest_expire_ms: Some(T + 86_400_000),
            revisions: vec![OperatorSecretRevision { revision: 1, created_ms: T, expire_ms: None }],
            access: vec![],
            checksum: String::new(),
            content: None,
        }
    }

    fn user() -> OperatorSecret {
        OperatorSecret {
            id: "d1ehcifmp25c76e01vi0".into(),
            owner_kind: "model".into(),
            owner: "admin-account".into(),
            created_ms: T,
            updated_ms: T + 1000,
            latest_revision: 2,
            access: vec![SecretAccess {
                target: "application-example-charm".into(),
                scope: "model".into(),
                role: "view".into(),
            }],
            ..Default::default()
        }
    }

    fn revealed() -> OperatorSecret {
        let mut s = charm();
        s.checksum = "6e7780224ca82a052f4fe9bc57f8e25d2bd012fa0ca40891a083c8f1b2748a29".into();
        s.content = Some(
            [("password".to_string(), "c2VjcmV0".to_string()), ("username".to_string(), "YWRtaW4=".to_string())].into(),
        );
        s
    }

    /// `juju secrets --format json`: one line, keyed by bare id, Juju's field order and Go's
    /// HTML-safe escaping of `<model>`.
    #[test]
    fn secrets_json_is_jujus() {
        let json = render_details(&[charm(), user()], Detail::default(), Format::Json);
        assert_eq!(
            json,
            concat!(
                r#"{"d1ehcifmp25c76e01vhg":{"revision":1,"expires":"2025-06-27T09:43:38Z","rotation":"daily","#,
                r#""rotates":"2025-06-27T09:43:38Z","owner":"example-charm","description":"Some description","#,
                r#""label":"example-charm-secret","created":"2025-06-26T09:43:38Z","updated":"2025-06-26T09:43:38Z"},"#,
                r#""d1ehcifmp25c76e01vi0":{"revision":2,"owner":"\u003cmodel\u003e","name":"admin-account","#,
                r#""created":"2025-06-26T09:43:38Z","updated":"2025-06-26T09:43:39Z"}}"#,
                "\n"
            )
        );
    }

    #[test]
    fn secrets_yaml_is_jujus() {
        let yaml = render_details(&[charm(), user()], Detail::default(), Format::Yaml);
        assert_eq!(
            yaml,
            "d1ehcifmp25c76e01vhg:\n  revision: 1\n  expires: 2025-06-27T09:43:38Z\n  rotation: daily\n  \
             rotates: 2025-06-27T09:43:38Z\n  owner: example-charm\n  description: Some description\n  \
             label: example-charm-secret\n  created: 2025-06-26T09:43:38Z\n  updated: 2025-06-26T09:43:38Z\n\
             d1ehcifmp25c76e01vi0:\n  revision: 2\n  owner: <model>\n  name: admin-account\n  \
             created: 2025-06-26T09:43:38Z\n  updated: 2025-06-26T09:43:39Z\n"
        );
    }

    /// `show-secret --reveal`: the checksum, and the content decoded: inline in yaml, under
    /// `Data` in json (jubilant reads `d['content']['Data']`).
    #[test]
    fn show_secret_reveal_is_jujus() {
        let detail = Detail { revisions: false, access: true };
        assert_eq!(
            render_details(&[revealed()], detail, Format::Json),
            concat!(
                r#"{"d1ehcifmp25c76e01vhg":{"revision":1,"#,
                r#""checksum":"6e7780224ca82a052f4fe9bc57f8e25d2bd012fa0ca40891a083c8f1b2748a29","#,
                r#""expires":"2025-06-27T09:43:38Z","rotation":"daily","rotates":"2025-06-27T09:43:38Z","#,
                r#""owner":"example-charm","description":"Some description","label":"example-charm-secret","#,
                r#""created":"2025-06-26T09:43:38Z","updated":"2025-06-26T09:43:38Z","#,
                r#""content":{"Data":{"password":"secret","username":"admin"}}}}"#,
                "\n"
            )
        );
        assert_eq!(
            render_details(&[revealed()], detail, Format::Yaml),
            "d1ehcifmp25c76e01vhg:\n  revision: 1\n  \
             checksum: 6e7780224ca82a052f4fe9bc57f8e25d2bd012fa0ca40891a083c8f1b2748a29\n  \
             expires: 2025-06-27T09:43:38Z\n  rotation: daily\n  rotates: 2025-06-27T09:43:38Z\n  \
             owner: example-charm\n  description: Some description\n  label: example-charm-secret\n  \
             created: 2025-06-26T09:43:38Z\n  updated: 2025-06-26T09:43:38Z\n  content:\n    \
             password: secret\n    username: admin\n"
        );
    }

    #[test]
    fn show_secret_access_and_revisions_are_jujus() {
        let detail = Detail { revisions: true, access: true };
        assert_eq!(
            render_details(&[user()], detail, Format::Yaml),
            "d1ehcifmp25c76e01vi0:\n  revision: 2\n  owner: <model>\n  name: admin-account\n  \
             created: 2025-06-26T09:43:38Z\n  updated: 2025-06-26T09:43:39Z\n  access:\n  \
             - target: application-example-charm\n    scope: model\n    role: view\n"
        );
        let yaml = render_details(&[charm()], detail, Format::Yaml);
        assert!(
            yaml.ends_with(
                "  revisions:\n  - revision: 1\n    created: 2025-06-26T09:43:38Z\n    updated: 2025-06-26T09:43:38Z\n"
            ),
            "{yaml}"
        );
    }

    /// Juju's `TestListTabular` layout, and its sort: by owner, then revision down.
    #[test]
    fn the_table_is_jujus() {
        let mut mysql = charm();
        mysql.owner = "mysql".into();
        mysql.id = "aaaaaaaaaaaaaaaaaaa0".into();
        mysql.rotate_policy = "hourly".into();
        mysql.latest_revision = 2;
        let mut mariadb = charm();
        mariadb.owner = "mariadb".into();
        mariadb.id = "bbbbbbbbbbbbbbbbbbb0".into();
        mariadb.rotate_policy = String::new();
        let mut mine = user();
        mine.owner = "my-secret".into();
        mine.id = "ccccccccccccccccccc0".into();
        mine.latest_revision = 1;
        let now = T + 3 * 86_400_000;
        assert_eq!(
            tabular(&[mysql, mariadb, mine], now),
            "ID                    Name       Owner    Rotation  Revision  Last updated\n\
             ccccccccccccccccccc0  my-secret  <model>  never            1  2025-06-26  \n\
             bbbbbbbbbbbbbbbbbbb0  -          mariadb  never            1  2025-06-26  \n\
             aaaaaaaaaaaaaaaaaaa0  -          mysql    hourly           2  2025-06-26  \n"
        );
    }

    #[test]
    fn last_updated_is_user_friendly_as_in_juju() {
        let at = T;
        assert_eq!(user_friendly_duration(at, at + 1_999), "just now");
        assert_eq!(user_friendly_duration(at, at + 2_000), "2 seconds ago");
        assert_eq!(user_friendly_duration(at, at + 60_000), "1 minute ago");
        assert_eq!(user_friendly_duration(at, at + 150_000), "2 minutes ago");
        assert_eq!(user_friendly_duration(at, at + 3_600_000), "1 hour ago");
        assert_eq!(user_friendly_duration(at, at + 23 * 3_600_000), "23 hours ago");
        assert_eq!(user_friendly_duration(at, at + 24 * 3_600_000), "2025-06-26");
    }

    #[test]
    fn show_secret_flags_are_checked_in_jujus_words() {
        let s = || Some("x".to_string());
        assert_eq!(show_request(None, false, false, None).unwrap_err().to_string(), "secret ID is required");
        assert_eq!(
            show_request(s(), true, true, None).unwrap_err().to_string(),
            "specify either --revisions or --reveal but not both"
        );
        assert_eq!(
            show_request(s(), false, true, Some(1)).unwrap_err().to_string(),
            "specify either --revisions or --revision but not both"
        );
        assert_eq!(
            show_request(s(), false, false, Some(0)).unwrap_err().to_string(),
            "revision must be a positive integer"
        );
        assert_eq!(show_request(s(), true, false, Some(2)).unwrap().revision, Some(2));
    }

    #[test]
    fn owners_are_tags() {
        let keep = owner_filter("application-example-charm").unwrap();
        assert!(keep(&charm()) && !keep(&user()));
        assert!(owner_filter("model-abc").unwrap()(&user()));
        let unit = OperatorSecret { owner_kind: "unit".into(), owner: "web/0".into(), ..Default::default() };
        assert!(owner_filter("unit-web-0").unwrap()(&unit));
        assert_eq!(owner_filter("mysql").err().unwrap().to_string(), "invalid owner \"mysql\"");
    }
}
