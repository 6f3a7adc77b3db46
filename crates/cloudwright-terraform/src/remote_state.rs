//! `terraform_remote_state` between the root modules of one load.
//!
//! A layered configuration (a network root, an application root reading
//! `data.terraform_remote_state.network.outputs.subnet_ids`) names the
//! state it reads by its backend — an S3 bucket and key, a GCS prefix, an
//! Azure container and key, a local path, an HCP Terraform workspace. The
//! root that writes that state is in the scan when its backend names the
//! same place: its outputs are then what the data source reads, as a
//! Terragrunt dependency's are, and a value one of them takes from a
//! resource names that resource in its root
//! (`network//aws_subnet.private[0].id`), so exposure paths and placement
//! run from one root into the other. Nothing is fetched: a state no
//! scanned root writes stays unknown.

use crate::eval::FastMap;
use cloudwright_model::{Fields, Value};
use std::path::Path;
use std::sync::Arc;

/// Where a state is kept, as one string (`s3://bucket/env:/dev/key`), and
/// the outputs of the root module that writes it, each by the root's name.
#[derive(Debug, Default)]
pub struct RemoteStates(FastMap<String, Written>);

/// A scanned root module's state: its name and its root module's outputs.
#[derive(Clone, Debug)]
pub struct Written {
    pub root: Arc<str>,
    pub outputs: Value,
}

impl RemoteStates {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records what `root` writes where its backend says; the first root
    /// to name a place keeps it (two roots writing one state is a
    /// configuration error Terraform's locking would meet at apply).
    pub fn insert(&mut self, place: String, written: Written) {
        self.0.entry(place).or_insert(written);
    }

    pub fn get(&self, place: &str) -> Option<&Written> {
        self.0.get(place)
    }
}

/// The place a backend of `kind` configured with `config` keeps the state
/// of `workspace`, for a root module in `dir` (a local path is relative to
/// it); `None` when the configuration does not say it in full (a partial
/// configuration completed by `-backend-config` at `terraform init`, an
/// unknown value) or the backend is not one Cloudwright places.
pub fn place(kind: &str, config: &Value, workspace: &str, dir: &Path) -> Option<String> {
    let text = |name: &str| -> Option<String> {
        config
            .as_object()?
            .fields
            .get(name)?
            .as_str()
            .map(str::to_string)
    };
    let default = workspace == crate::instance::DEFAULT_WORKSPACE;
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
            let path = crate::instance::normalize(&dir.join(path));
            Some(format!("local://{}", path.display()))
        }
        // a workspace of an organization (`workspaces { name }`, or its
        // `prefix` and the workspace's name; a block in a backend or a
        // `cloud` block, an object in the data source's `config`)
        "remote" | "cloud" => {
            let organization = text("organization")?;
            let workspaces = config.as_object()?.fields.get("workspaces")?;
            let workspaces = match workspaces.as_list() {
                Some([one]) => one,
                Some(_) => return None,
                None => workspaces,
            };
            let workspaces = &workspaces.as_object()?.fields;
            let name = match workspaces.get("name") {
                Some(name) => name.as_str()?.to_string(),
                None => format!("{}{workspace}", workspaces.get("prefix")?.as_str()?),
            };
            let host = text("hostname").unwrap_or_else(|| "app.terraform.io".into());
            Some(format!("remote://{host}/{organization}/{name}"))
        }
        _ => None,
    }
}

/// The backend `terraform init` recorded for a root module
/// (`.terraform/terraform.tfstate`): the whole configuration of a backend
/// the `.tf` files configure in part, the rest given to `init` with
/// `-backend-config`. `None` when there is none, or of another kind.
pub fn initialised(dir: &Path, kind: &str) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let backend = json.get("backend")?;
    if backend.get("type")?.as_str()? != kind {
        return None;
    }
    Some(Value::from_json(backend.get("config")?))
}

/// Whether a data source of this type reads another root's state.
pub fn reads_state(resource_type: &str) -> bool {
    matches!(resource_type, "terraform_remote_state" | "tfe_outputs")
}

/// The place a data source that reads a state — of a root in `dir`,
/// `fields` its evaluated arguments — reads: a `terraform_remote_state`'s
/// `backend`, `config` and `workspace` (the default workspace unless it
/// names one, whatever workspace the reading root is in); a `tfe_outputs`'
/// `organization` and `workspace` on HCP Terraform (the provider's
/// `hostname` is not read: another host does not match).
pub fn read_place(resource_type: &str, fields: &Fields, dir: &Path) -> Option<String> {
    match resource_type {
        "terraform_remote_state" => {
            let kind = fields.get("backend")?.as_str()?;
            let workspace = match fields.get("workspace") {
                None | Some(Value::Null) => crate::instance::DEFAULT_WORKSPACE,
                Some(v) => v.as_str()?,
            };
            place(kind, fields.get("config")?, workspace, dir)
        }
        "tfe_outputs" => {
            let organization = fields.get("organization")?.as_str()?;
            let workspace = fields.get("workspace")?.as_str()?;
            Some(format!(
                "remote://app.terraform.io/{organization}/{workspace}"
            ))
        }
        _ => None,
    }
}

/// What a data source that reads a state a scanned root writes sets
/// (`fields` its evaluated arguments, `address` its instance's): each
/// output as that root evaluates it, crossed into this root
/// ([`crate::terragrunt::foreign`]). A `terraform_remote_state`'s
/// `outputs`, with its `defaults` for an output the root does not have;
/// a `tfe_outputs`' `values` (sensitive as a whole, as the provider marks
/// them) and `nonsensitive_values`. Nothing when no scanned root writes
/// that state.
pub fn read(
    remote: &RemoteStates,
    resource_type: &str,
    fields: &Fields,
    address: &str,
    dir: &Path,
) -> Vec<(&'static str, Value)> {
    if remote.is_empty() {
        return Vec::new();
    }
    let Some(written) = read_place(resource_type, fields, dir).and_then(|p| remote.get(&p)) else {
        return Vec::new();
    };
    let remote_state = resource_type == "terraform_remote_state";
    let attribute = if remote_state { "outputs" } else { "values" };
    let mut out = match fields.get("defaults").and_then(Value::as_object) {
        Some(defaults) if remote_state => defaults.fields.clone(),
        _ => Fields::new(),
    };
    let mut plain = Fields::new();
    if let Some(object) = written.outputs.as_object() {
        for (name, value) in object.fields.iter() {
            let origin = cloudwright_model::text::concat([address, ".", attribute, ".", name]);
            let value = crate::terragrunt::foreign(value, &origin, &written.root);
            if !value.is_sensitive() {
                plain.insert(name, value.clone());
            }
            out.insert(name, value);
        }
    }
    match remote_state {
        true => vec![("outputs", Value::map(out))],
        false => vec![
            ("values", Value::map(out).sensitive()),
            ("nonsensitive_values", Value::map(plain)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(entries: &[(&str, Value)]) -> Value {
        Value::map(entries.iter().cloned().collect::<Fields>())
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
    fn the_state_s_outputs_win_over_defaults_and_cross_into_the_reader() {
        let mut remote = RemoteStates::default();
        remote.insert(
            "s3://b/net".into(),
            Written {
                root: "live/network".into(),
                outputs: config(&[
                    ("vpc_id", Value::unknown_from("aws_vpc.main.id")),
                    ("region", Value::string("eu-west-1")),
                ]),
            },
        );
        let fields: Fields = [
            ("backend", Value::string("s3")),
            (
                "config",
                config(&[
                    ("bucket", Value::string("b")),
                    ("key", Value::string("net")),
                ]),
            ),
            (
                "defaults",
                config(&[
                    ("region", Value::string("us-east-1")),
                    ("team", Value::string("platform")),
                ]),
            ),
        ]
        .into_iter()
        .collect();
        let dir = Path::new("/repo/live/app");
        let read = |fields: &Fields| {
            read(
                &remote,
                "terraform_remote_state",
                fields,
                "data.terraform_remote_state.net",
                dir,
            )
        };
        let set = read(&fields);
        let [("outputs", out)] = &set[..] else {
            panic!("{set:?}")
        };
        let get = |name: &str| out.get(name).unwrap();
        assert_eq!(get("region").as_str(), Some("eu-west-1"));
        assert_eq!(get("team").as_str(), Some("platform"));
        assert_eq!(
            get("vpc_id").as_unknown().and_then(|u| u.origin()),
            Some("live/network//aws_vpc.main.id")
        );
        // another workspace of that state is not what the root writes
        let mut other = fields.clone();
        other.insert("workspace", Value::string("dev"));
        assert!(read(&other).is_empty());
    }
}
