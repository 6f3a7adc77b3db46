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

/// Where a state is kept, as one string (`s3://bucket/env:/dev/key`), and
/// the outputs of the root module that writes it, each by the root's name.
#[derive(Debug, Default)]
pub struct RemoteStates(FastMap<String, Written>);

/// A scanned root module's state: its name and its root module's outputs.
#[derive(Debug)]
pub struct Written {
    pub root: cloudwright_model::text::Shared,
    pub outputs: Value,
}

impl RemoteStates {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records what `root` writes where its backend says; the first root
    /// to name a place keeps it (two roots writing one state is a
    /// configuration error, CW-TF-STATE-005).
    pub fn insert(&mut self, place: String, written: Written) {
        self.0.entry(place).or_insert(written);
    }

    pub fn get(&self, place: &str) -> Option<&Written> {
        self.0.get(place)
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

/// Whether a resource of the model is a data source that reads another
/// root's state.
pub fn reads_state(r: &cloudwright_model::Resource) -> bool {
    r.mode == cloudwright_model::Mode::Data
        && matches!(&*r.resource_type, "terraform_remote_state" | "tfe_outputs")
}

/// The place a data source that reads a state — of a root in `dir`,
/// `fields` its evaluated arguments — reads: a `terraform_remote_state`'s
/// `backend`, `config` and `workspace` (the default workspace unless it
/// names one, whatever workspace the reading root is in); a `tfe_outputs`'
/// `organization` and `workspace` on the host its provider's `hostname`
/// names (`app.terraform.io` when it names none; no place when it is not
/// known).
pub fn read_place(
    resource_type: &str,
    fields: &cloudwright_model::FieldSlice,
    hostname: Option<&Value>,
    dir: &Path,
) -> Option<String> {
    match resource_type {
        "terraform_remote_state" => {
            let kind = fields.get("backend")?.as_str()?;
            let workspace = match fields.get("workspace") {
                None | Some(Value::Null) => crate::instance::DEFAULT_WORKSPACE,
                Some(v) => v.as_str()?,
            };
            cloudwright_model::state::place(kind, fields.get("config")?, workspace, dir)
        }
        "tfe_outputs" => {
            let organization = fields.get("organization")?.as_str()?;
            let workspace = fields.get("workspace")?.as_str()?;
            let host = match hostname {
                None | Some(Value::Null) => "app.terraform.io",
                Some(host) => host.as_str()?,
            };
            Some(format!("remote://{host}/{organization}/{workspace}"))
        }
        _ => None,
    }
}

/// The `hostname` the provider configuration a data source of the model
/// uses sets, among `modules` (of its root): the configuration in its own
/// module instance, else (unaliased) the root module's, which a module
/// inherits. A configuration passed down under another name (`providers =
/// { tfe = tfe.onprem }`) is not followed: such a read is placed on the
/// default host.
pub fn provider_hostname<'a>(
    modules: &'a [cloudwright_model::ModuleInstance],
    r: &cloudwright_model::Resource,
) -> Option<&'a Value> {
    let find = |module: &str| {
        modules
            .iter()
            .filter(|m| m.address == module && m.root_dir == *r.root)
            .flat_map(|m| &m.providers)
            .find(|p| p.name == r.provider.name && p.alias == r.provider.alias)
    };
    let config = find(&r.module).or_else(|| match r.provider.alias {
        None => find(""),
        Some(_) => None,
    })?;
    config.attributes.as_object()?.fields().get("hostname")
}

/// What a data source that reads a state a scanned root writes sets
/// (`fields` its evaluated arguments, `hostname` its provider's, `address`
/// its instance's): each
/// output as that root evaluates it, crossed into this root
/// ([`crate::terragrunt::foreign`]). A `terraform_remote_state`'s
/// `outputs`, with its `defaults` for an output the root does not have;
/// a `tfe_outputs`' `values` (sensitive as a whole, as the provider marks
/// them) and `nonsensitive_values`. Nothing when no scanned root writes
/// that state.
pub fn read(
    remote: &RemoteStates,
    resource_type: &str,
    fields: &cloudwright_model::FieldSlice,
    hostname: Option<&Value>,
    address: &str,
    dir: &Path,
) -> Vec<(&'static str, Value)> {
    if remote.is_empty() {
        return Vec::new();
    }
    let place = read_place(resource_type, fields, hostname, dir);
    let Some(written) = place.and_then(|p| remote.get(&p)) else {
        return Vec::new();
    };
    let remote_state = resource_type == "terraform_remote_state";
    let attribute = if remote_state { "outputs" } else { "values" };
    let mut out = match fields.get("defaults").and_then(Value::as_object) {
        Some(defaults) if remote_state => defaults.to_fields(),
        _ => Fields::new(),
    };
    let mut plain = Fields::new();
    if let Some(object) = written.outputs.as_object() {
        for (name, value) in object.fields().iter() {
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
        let read = |fields: &cloudwright_model::FieldSlice| {
            read(
                &remote,
                "terraform_remote_state",
                fields,
                None,
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
