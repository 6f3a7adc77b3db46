//! The modules `terraform stacks init` downloads: a source bundle in
//! `.terraform/modules`, whose manifest (`terraform-sources.json`) maps
//! each remote package (`git::https://…?ref=v1`) to a directory of the
//! bundle and each registry module version to the remote source it was
//! published from. A Stack's component with a remote or registry source
//! (and the module calls inside it) is read from there, as Terraform's
//! source bundle does it (`go-slug/sourcebundle`).

use cloudwright_model::version::Version;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A source bundle's manifest, read.
#[derive(Clone, Debug, Default)]
pub struct SourceBundle {
    /// Where the bundle is (`.terraform/modules`).
    root: PathBuf,
    /// remote package → its directory in the bundle
    packages: HashMap<String, String>,
    /// registry package (`registry.terraform.io/ns/name/system`) → each
    /// version bundled and the remote source it comes from
    registry: HashMap<String, Vec<(Version, String)>>,
}

impl SourceBundle {
    /// The bundle of a Stack in `dir` (`None` when there is none, or its
    /// manifest cannot be read: an error then, with what to do).
    pub fn read(dir: &Path) -> Result<Option<SourceBundle>, String> {
        let root = dir.join(".terraform/modules");
        let path = root.join("terraform-sources.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if json.get("terraform_source_bundle").and_then(|v| v.as_u64()) != Some(1) {
            return Err(format!(
                "{} is not a source bundle manifest of the version Cloudwright reads (1)",
                path.display()
            ));
        }
        let mut bundle = SourceBundle {
            root,
            ..Default::default()
        };
        for package in json
            .get("packages")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let (Some(source), Some(local)) = (
                package.get("source").and_then(|s| s.as_str()),
                package.get("local").and_then(|s| s.as_str()),
            ) else {
                continue;
            };
            // one directory name, as the bundle's reader requires
            if local.is_empty() || local == "." || local == ".." || local.contains(['/', '\\']) {
                continue;
            }
            bundle
                .packages
                .insert(source.to_string(), local.to_string());
        }
        for module in json
            .get("registry")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            let Some(source) = module.get("source").and_then(|s| s.as_str()) else {
                continue;
            };
            let versions = module.get("versions").and_then(|v| v.as_object());
            let bundled = versions
                .into_iter()
                .flatten()
                .filter_map(|(version, v)| {
                    let (version, _) = cloudwright_model::version::parse_version(version)?;
                    Some((version, v.get("source")?.as_str()?.to_string()))
                })
                .collect();
            bundle.registry.insert(registry_package(source), bundled);
        }
        Ok(Some(bundle))
    }

    /// The directory of the bundle holding a module `source` (of `version`
    /// constraints, for a registry module: the highest bundled version they
    /// allow); `None` when the bundle does not hold it.
    pub fn dir_of(&self, source: &str, version: Option<&str>) -> Option<PathBuf> {
        let (address, sub) = split_subdir(source);
        let remote = match is_registry(&address) {
            true => {
                let versions = self.registry.get(&registry_package(&address))?;
                let range = match version {
                    Some(v) => cloudwright_model::version::allowed_range(&[v])?,
                    None => ((0, 0, 0), None),
                };
                let allowed =
                    |v: &(u64, u64, u64)| *v >= range.0 && range.1.is_none_or(|high| *v < high);
                versions
                    .iter()
                    .filter(|(v, _)| allowed(v))
                    .max_by_key(|(v, _)| *v)
                    .map(|(_, remote)| remote.clone())?
            }
            false => address,
        };
        let (package, package_sub) = split_subdir(&remote);
        let local = self
            .packages
            .get(&package)
            .or_else(|| self.packages.get(&github_shorthand(&package)?))?;
        let mut dir = self.root.join(local);
        for part in [package_sub, sub] {
            if !part.is_empty() {
                dir = dir.join(part);
            }
        }
        Some(crate::instance::normalize(&dir))
    }
}

/// A source without its sub-directory, and the sub-directory (`//modules/x`
/// before any `?query`: `git::https://h/r.git//sub?ref=v1` →
/// `git::https://h/r.git?ref=v1` and `sub`; the query stays with the
/// package, whose revision it names).
fn split_subdir(source: &str) -> (String, String) {
    let scheme_end = source.find("://").map_or(0, |i| i + 3);
    let Some(at) = source[scheme_end..].find("//").map(|i| i + scheme_end) else {
        return (source.to_string(), String::new());
    };
    let rest = &source[at + 2..];
    let (sub, query) = rest.split_once('?').unwrap_or((rest, ""));
    let package = match query {
        "" => source[..at].to_string(),
        query => format!("{}?{query}", &source[..at]),
    };
    (package, sub.to_string())
}

/// Whether a module source is a registry address (`ns/name/system`,
/// `host/ns/name/system`) rather than a remote one.
fn is_registry(source: &str) -> bool {
    !source.contains("::")
        && !source.starts_with("github.com/")
        && !source.starts_with("bitbucket.org/")
        && {
            let parts: Vec<&str> = source.split('/').collect();
            matches!(parts.len(), 3 | 4) && parts.iter().all(|p| !p.is_empty())
        }
}

/// A registry package address with its host (`ns/name/system` is the
/// public registry's).
fn registry_package(source: &str) -> String {
    match source.split('/').count() {
        3 => format!("registry.terraform.io/{source}"),
        _ => source.to_string(),
    }
}

/// `github.com/org/repo` as the bundle records it
/// (`git::https://github.com/org/repo.git`).
fn github_shorthand(source: &str) -> Option<String> {
    let (path, query) = source.split_once('?').unwrap_or((source, ""));
    let repo = path.strip_prefix("github.com/")?;
    let repo = repo.trim_end_matches(".git");
    Some(match query {
        "" => format!("git::https://github.com/{repo}.git"),
        query => format!("git::https://github.com/{repo}.git?{query}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_at_their_sub_directory_keeping_the_query() {
        assert_eq!(
            split_subdir("git::https://h/r.git//modules/x?ref=v1"),
            (
                "git::https://h/r.git?ref=v1".to_string(),
                "modules/x".to_string()
            )
        );
        assert_eq!(
            split_subdir("terraform-aws-modules/iam/aws//modules/iam-role"),
            (
                "terraform-aws-modules/iam/aws".to_string(),
                "modules/iam-role".to_string()
            )
        );
        assert_eq!(
            split_subdir("git::https://h/r.git?ref=v1"),
            ("git::https://h/r.git?ref=v1".to_string(), String::new())
        );
        assert!(is_registry("terraform-aws-modules/vpc/aws"));
        assert!(is_registry("app.terraform.io/acme/vpc/aws"));
        assert!(!is_registry("git::https://h/r.git"));
        assert!(!is_registry("github.com/acme/vpc"));
        assert_eq!(
            github_shorthand("github.com/acme/vpc?ref=v2").as_deref(),
            Some("git::https://github.com/acme/vpc.git?ref=v2")
        );
    }
}
