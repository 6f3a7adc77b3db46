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
            .fields
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
}
