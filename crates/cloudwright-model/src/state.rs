//! Where a root module's state is kept: one string per place
//! (`s3://bucket/env:/dev/key`), so that two configurations naming the same
//! place — a root's backend and another root's `terraform_remote_state`,
//! or two roots' backends — are seen to.

use crate::value::Value;
use std::path::Path;

/// The workspace Terraform starts in.
pub const DEFAULT_WORKSPACE: &str = "default";

/// The place a backend of `kind` configured with `config` keeps the state
/// of `workspace`, for a root module in `dir` (a local path is relative to
/// it); `None` when the configuration does not say it in full (a partial
/// configuration completed by `-backend-config` at `terraform init`, an
/// unknown value) or the backend is not one Cloudwright places.
pub fn place(kind: &str, config: &Value, workspace: &str, dir: &Path) -> Option<String> {
    let text = |name: &str| -> Option<String> {
        config
            .as_object()?
            .fields()
            .get(name)?
            .as_str()
            .map(str::to_string)
    };
    let default = workspace == DEFAULT_WORKSPACE;
    match kind {
        // workspaces other than the default under `<prefix>/<workspace>/`
        "s3" => {
            let (bucket, key) = (text("bucket")?, text("key")?);
            let key = match default {
                true => key,
                false => {
                    let prefix = text("workspace_key_prefix").unwrap_or_else(|| "env:".into());
                    format!("{prefix}/{workspace}/{key}")
                }
            };
            Some(format!("s3://{bucket}/{key}"))
        }
        // `<prefix>/<workspace>.tfstate`
        "gcs" => {
            let bucket = text("bucket")?;
            let prefix = text("prefix").unwrap_or_default();
            let prefix = prefix.trim_end_matches('/');
            Some(format!("gcs://{bucket}/{prefix}/{workspace}.tfstate"))
        }
        // `<key>env:<workspace>`
        "azurerm" => {
            let (account, container, key) = (
                text("storage_account_name")?,
                text("container_name")?,
                text("key")?,
            );
            let key = match default {
                true => key,
                false => format!("{key}env:{workspace}"),
            };
            Some(format!("azurerm://{account}/{container}/{key}"))
        }
        // `terraform.tfstate.d/<workspace>/terraform.tfstate` beside the
        // root, or where `path` and `workspace_dir` say
        "local" => {
            let path = match default {
                true => text("path").unwrap_or_else(|| "terraform.tfstate".into()),
                false => {
                    let dir = text("workspace_dir").unwrap_or_else(|| "terraform.tfstate.d".into());
                    format!("{dir}/{workspace}/terraform.tfstate")
                }
            };
            let path = crate::source::normalize(&dir.join(path));
            Some(format!("local://{}", path.display()))
        }
        // a workspace of an organization (`workspaces { name }`, or its
        // `prefix` and the workspace's name; a block in a backend or a
        // `cloud` block, an object in the data source's `config`)
        "remote" | "cloud" => {
            let organization = text("organization")?;
            let workspaces = config.as_object()?.fields().get("workspaces")?;
            let workspaces = match workspaces.as_list() {
                Some([one]) => one,
                Some(_) => return None,
                None => workspaces,
            };
            let workspaces = workspaces.as_object()?.fields();
            let name = match (workspaces.get("name"), workspaces.get("prefix")) {
                (Some(name), _) => name.as_str()?.to_string(),
                (None, Some(prefix)) => format!("{}{workspace}", prefix.as_str()?),
                // a `cloud` block choosing by `tags` (or `project`): the
                // workspace selected is the organization's by that name
                // (there is no `default` among them)
                (None, None) if kind == "cloud" && !default => workspace.to_string(),
                (None, None) => return None,
            };
            let host = text("hostname").unwrap_or_else(|| "app.terraform.io".into());
            Some(format!("remote://{host}/{organization}/{name}"))
        }
        // `<path>-env:<workspace>` in the KV store of the agent at
        // `address` (without one, of the agent `CONSUL_HTTP_ADDR` names at
        // init: the same for roots initialised alike)
        "consul" => {
            let path = text("path")?;
            let path = match default {
                true => path,
                false => format!("{path}-env:{workspace}"),
            };
            let address = text("address").map(|a| server(&a)).unwrap_or_default();
            Some(format!("consul://{address}/{path}"))
        }
        // a row named by the workspace in `<schema_name>.states` of the
        // database `conn_str` names (its server and database only: never
        // its user or password); without one, `PG_CONN_STR`'s at init
        "pg" => {
            let database = text("conn_str")
                .map(|c| postgres_database(&c))
                .unwrap_or_default();
            let schema = text("schema_name").unwrap_or_else(|| "terraform_remote_state".into());
            Some(format!("pg://{database}/{schema}/{workspace}"))
        }
        // the secret `tfstate-<workspace>-<secret_suffix>` in `namespace`
        // of the cluster at `host` (or the kubeconfig context), else the
        // one the environment's kubeconfig selects
        "kubernetes" => {
            let suffix = text("secret_suffix")?;
            let namespace = text("namespace").unwrap_or_else(|| "default".into());
            let cluster = text("host")
                .map(|h| server(&h))
                .or_else(|| text("config_context"))
                .unwrap_or_default();
            Some(format!(
                "kubernetes://{cluster}/{namespace}/tfstate-{workspace}-{suffix}"
            ))
        }
        // the object `<prefix>/<key>`, `<prefix>/<workspace>/<key>` for
        // other workspaces (Alibaba OSS, Tencent COS: the same layout)
        "oss" | "cos" => {
            let bucket = text("bucket")?;
            let prefix = text("prefix").unwrap_or_else(|| "env:".into());
            let key = text("key").unwrap_or_else(|| "terraform.tfstate".into());
            let object = match default {
                true => clean_join(&[&prefix, &key]),
                false => clean_join(&[&prefix, workspace, &key]),
            };
            Some(format!("{kind}://{bucket}/{object}"))
        }
        // Oracle Object Storage: `key` in the namespace's bucket,
        // `<workspace_key_prefix>/<workspace>/<key>` for other workspaces
        "oci" => {
            let (bucket, namespace) = (text("bucket")?, text("namespace")?);
            let key = text("key").unwrap_or_else(|| "terraform.tfstate".into());
            let object = match default {
                true => key,
                false => {
                    let prefix =
                        text("workspace_key_prefix").unwrap_or_else(|| "tf-state-env".into());
                    clean_join(&[&prefix, workspace, &key])
                }
            };
            Some(format!("oci://{namespace}/{bucket}/{object}"))
        }
        // the URL itself: the backend has no workspaces
        "http" if default => Some(format!("http:{}", without_credentials(&text("address")?))),
        _ => None,
    }
}

/// A server's address without the user and password a URL may carry
/// (`https://u:p@host:8500` → `host:8500`): the place is printed.
fn server(address: &str) -> String {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    without_userinfo(host).to_string()
}

/// A URL's authority (or what follows it) without the `user:password@`
/// it may start with.
fn without_userinfo(authority: &str) -> &str {
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, rest)| rest)
}

/// The server and database a PostgreSQL connection string names, in either
/// of its forms (`postgres://user:password@host:5432/db?sslmode=…`,
/// `host=… port=… dbname=… password=…`), and nothing else: the place is
/// printed, and neither the user nor the password tells the state apart.
fn postgres_database(conn: &str) -> String {
    let conn = conn.trim();
    if let Some((_, rest)) = conn.split_once("://") {
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        return without_userinfo(rest).to_string();
    }
    let value = |key: &str| {
        conn.split_whitespace()
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim_matches('\''))
    };
    let host = value("host").unwrap_or_default();
    let port = value("port").map(|p| format!(":{p}")).unwrap_or_default();
    let database = value("dbname").unwrap_or_default();
    format!("{host}{port}/{database}")
}

/// A URL without the user and password it may carry, and with the values
/// of query parameters that look like credentials (`token`, `password`,
/// `signature`, …) replaced by `***`: the place is printed, and those do
/// not tell one state from another.
fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = location.split_once('/').unwrap_or((location, ""));
    let host = without_userinfo(authority);
    let mut out = match scheme {
        "" => host.to_string(),
        scheme => format!("{scheme}://{host}"),
    };
    if location.contains('/') {
        out.push('/');
        out.push_str(path);
    }
    if !query.is_empty() {
        let secret = |name: &str| {
            let name = name.to_ascii_lowercase();
            [
                "token",
                "pass",
                "secret",
                "key",
                "sig",
                "auth",
                "credential",
            ]
            .iter()
            .any(|s| name.contains(s))
        };
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((name, _)) if secret(name) => format!("{name}=***"),
                _ => param.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// `parts` joined by `/` as Go's `path.Join` does: empty and `.` segments
/// dropped, `..` taking the segment before it away.
fn clean_join(parts: &[&str]) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in parts.iter().flat_map(|p| p.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.last().is_some_and(|s| *s != "..") {
                    segments.pop();
                } else if parts.first().is_some_and(|p| !p.starts_with('/')) {
                    segments.push("..");
                }
            }
            s => segments.push(s),
        }
    }
    let joined = segments.join("/");
    match parts.first().is_some_and(|p| p.starts_with('/')) {
        true => format!("/{joined}"),
        false => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, Value)]) -> Value {
        Value::map(entries.iter().cloned().collect::<crate::Fields>())
    }

    #[test]
    fn a_backend_places_each_workspace_state_as_terraform_does() {
        let dir = Path::new("/repo/live/app");
        let s3 = config(&[
            ("bucket", Value::string("b")),
            ("key", Value::string("app/terraform.tfstate")),
        ]);
        assert_eq!(
            place("s3", &s3, "default", dir).as_deref(),
            Some("s3://b/app/terraform.tfstate")
        );
        assert_eq!(
            place("s3", &s3, "staging", dir).as_deref(),
            Some("s3://b/env:/staging/app/terraform.tfstate")
        );
        let prefixed = config(&[
            ("bucket", Value::string("b")),
            ("key", Value::string("app.tfstate")),
            ("workspace_key_prefix", Value::string("workspaces")),
        ]);
        assert_eq!(
            place("s3", &prefixed, "dev", dir).as_deref(),
            Some("s3://b/workspaces/dev/app.tfstate")
        );
        let gcs = config(&[
            ("bucket", Value::string("b")),
            ("prefix", Value::string("network/")),
        ]);
        assert_eq!(
            place("gcs", &gcs, "default", dir).as_deref(),
            Some("gcs://b/network/default.tfstate")
        );
        let azure = config(&[
            ("storage_account_name", Value::string("acct")),
            ("container_name", Value::string("tfstate")),
            ("key", Value::string("net.tfstate")),
        ]);
        assert_eq!(
            place("azurerm", &azure, "dev", dir).as_deref(),
            Some("azurerm://acct/tfstate/net.tfstateenv:dev")
        );
        // a local path is the root's: `../network/…` from app is network's
        let local = config(&[("path", Value::string("../network/terraform.tfstate"))]);
        assert_eq!(
            place("local", &local, "default", dir).as_deref(),
            Some("local:///repo/live/network/terraform.tfstate")
        );
        assert_eq!(
            place(
                "local",
                &config(&[]),
                "dev",
                Path::new("/repo/live/network")
            )
            .as_deref(),
            Some("local:///repo/live/network/terraform.tfstate.d/dev/terraform.tfstate")
        );
        // a backend block's `workspaces` is a list of one object; the data
        // source's, an object
        let block = config(&[
            ("organization", Value::string("acme")),
            (
                "workspaces",
                Value::list(vec![config(&[("name", Value::string("net"))])]),
            ),
        ]);
        let object = config(&[
            ("organization", Value::string("acme")),
            ("workspaces", config(&[("name", Value::string("net"))])),
        ]);
        assert_eq!(
            place("remote", &block, "default", dir),
            place("remote", &object, "default", dir)
        );
        // a `cloud` block selecting by tags writes the workspace selected
        let tagged = config(&[
            ("organization", Value::string("acme")),
            (
                "workspaces",
                Value::list(vec![config(&[(
                    "tags",
                    Value::list(vec![Value::string("network")]),
                )])]),
            ),
        ]);
        assert_eq!(
            place("cloud", &tagged, "network-prod", dir).as_deref(),
            Some("remote://app.terraform.io/acme/network-prod")
        );
        assert_eq!(place("cloud", &tagged, "default", dir), None);
        // not said in full: no place
        let partial = config(&[("bucket", Value::string("b"))]);
        assert_eq!(place("s3", &partial, "default", dir), None);
        let unknown = config(&[
            ("bucket", Value::string("b")),
            ("key", Value::unknown_from("var.key")),
        ]);
        assert_eq!(place("s3", &unknown, "default", dir), None);
        assert_eq!(place("consul", &s3, "default", dir), None);
    }

    #[test]
    fn the_other_backends_place_workspaces_as_their_terraform_code_does() {
        let dir = Path::new("/repo/live/app");
        let consul = config(&[
            (
                "address",
                Value::string("https://ops:hunter2@consul.internal:8500"),
            ),
            ("path", Value::string("terraform/network")),
        ]);
        assert_eq!(
            place("consul", &consul, "default", dir).as_deref(),
            Some("consul://consul.internal:8500/terraform/network")
        );
        assert_eq!(
            place("consul", &consul, "prod", dir).as_deref(),
            Some("consul://consul.internal:8500/terraform/network-env:prod")
        );
        // both forms of a connection string: the server and database only
        let url = config(&[(
            "conn_str",
            Value::string("postgres://tf:s3cret@db.internal:5432/terraform?sslmode=require"),
        )]);
        assert_eq!(
            place("pg", &url, "dev", dir).as_deref(),
            Some("pg://db.internal:5432/terraform/terraform_remote_state/dev")
        );
        let pairs = config(&[
            (
                "conn_str",
                Value::string("host=db.internal port=5432 dbname=terraform password='s3cret'"),
            ),
            ("schema_name", Value::string("network")),
        ]);
        assert_eq!(
            place("pg", &pairs, "default", dir).as_deref(),
            Some("pg://db.internal:5432/terraform/network/default")
        );
        let kubernetes = config(&[
            ("secret_suffix", Value::string("network")),
            ("namespace", Value::string("ops")),
        ]);
        assert_eq!(
            place("kubernetes", &kubernetes, "default", dir).as_deref(),
            Some("kubernetes:///ops/tfstate-default-network")
        );
        let oss = config(&[
            ("bucket", Value::string("state")),
            ("prefix", Value::string("live/")),
            ("key", Value::string("network.tfstate")),
        ]);
        assert_eq!(
            place("oss", &oss, "default", dir).as_deref(),
            Some("oss://state/live/network.tfstate")
        );
        assert_eq!(
            place(
                "cos",
                &config(&[("bucket", Value::string("state"))]),
                "dev",
                dir
            )
            .as_deref(),
            Some("cos://state/env:/dev/terraform.tfstate")
        );
        let oci = config(&[
            ("bucket", Value::string("state")),
            ("namespace", Value::string("acme")),
        ]);
        assert_eq!(
            place("oci", &oci, "default", dir).as_deref(),
            Some("oci://acme/state/terraform.tfstate")
        );
        assert_eq!(
            place("oci", &oci, "dev", dir).as_deref(),
            Some("oci://acme/state/tf-state-env/dev/terraform.tfstate")
        );
        // the URL without its credentials; no workspaces but the default
        let http = config(&[(
            "address",
            Value::string("https://ci:pw@state.example.com/v1/network?token=abc&env=prod"),
        )]);
        assert_eq!(
            place("http", &http, "default", dir).as_deref(),
            Some("http:https://state.example.com/v1/network?token=***&env=prod")
        );
        assert_eq!(place("http", &http, "dev", dir), None);
        // not said in full: no place
        assert_eq!(place("consul", &config(&[]), "default", dir), None);
        assert_eq!(place("kubernetes", &config(&[]), "default", dir), None);
    }

    #[test]
    fn paths_join_as_go_joins_them() {
        assert_eq!(
            clean_join(&["env:", "dev", "a.tfstate"]),
            "env:/dev/a.tfstate"
        );
        assert_eq!(clean_join(&["", "a.tfstate"]), "a.tfstate");
        assert_eq!(clean_join(&["x//y/", "./z"]), "x/y/z");
        assert_eq!(clean_join(&["x/y", "../z"]), "x/z");
        assert_eq!(clean_join(&["/x", "../../z"]), "/z");
    }
}
