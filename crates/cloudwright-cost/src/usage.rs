//! Usage inputs for usage-based cost components, from a usage file:
//! `cloudwright-usage.yml`, or Infracost's `infracost-usage.yml` — the
//! same shape and, for the resources both support, the same keys, so teams
//! can bring theirs:
//!
//! ```yaml
//! version: 0.1
//! resource_type_default_usage:
//!   aws_lambda_function:
//!     monthly_requests: 1000000
//! resource_usage:
//!   aws_lambda_function.api:
//!     monthly_requests: 50000000
//!     request_duration_ms: 120
//!   module.app.aws_nat_gateway.*:     # wildcards; Infracost's name[*] too
//!     monthly_data_processed_gb: 500
//!   aws_s3_bucket.assets:
//!     standard:
//!       storage_gb: 2000
//! ```
//!
//! An address's own entry wins over a wildcard entry, which wins over the
//! type's default. Nested keys are read as dotted paths (`standard.storage_gb`).

use std::collections::BTreeMap;
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    /// address or pattern → key path → value
    by_address: Vec<(String, BTreeMap<String, f64>)>,
    by_type: BTreeMap<String, BTreeMap<String, f64>>,
    /// Where it came from, for the report.
    pub source: Option<String>,
}

/// The file names looked for beside the scanned path.
pub const FILE_NAMES: &[&str] = &["cloudwright-usage.yml", "infracost-usage.yml"];

impl Usage {
    pub fn parse(text: &str, name: &str) -> Result<Usage, String> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| {
            let m = e.marker();
            format!(
                "{name}:{}:{}: {} (a usage file is YAML: resource_usage: {{ ADDRESS: {{ key: number }} }})",
                m.line(),
                m.col() + 1,
                e.info()
            )
        })?;
        let mut usage = Usage {
            source: Some(name.to_string()),
            ..Usage::default()
        };
        let Some(doc) = docs.first() else {
            return Ok(usage);
        };
        let Some(top) = doc.as_hash() else {
            return Err(format!("{name}: the usage file must be a mapping"));
        };
        for (k, v) in top {
            match k.as_str() {
                Some("version") => {}
                Some("resource_usage") => {
                    for (address, values) in entries(v, name, "resource_usage")? {
                        usage.by_address.push((normalise_pattern(&address), values));
                    }
                }
                Some("resource_type_default_usage") => {
                    for (t, values) in entries(v, name, "resource_type_default_usage")? {
                        usage.by_type.insert(t, values);
                    }
                }
                Some(other) => {
                    return Err(format!(
                        "{name}: unknown key {other:?} (use version, resource_usage, resource_type_default_usage)"
                    ))
                }
                None => return Err(format!("{name}: keys must be strings")),
            }
        }
        // exact addresses before patterns
        usage.by_address.sort_by_key(|(a, _)| a.contains('*'));
        Ok(usage)
    }

    pub fn read(path: &Path) -> Result<Usage, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the usage file {}: {e}", path.display()))?;
        Usage::parse(&text, &path.display().to_string())
    }

    /// A usage value for a resource: its own, a matching pattern's, or its
    /// type's default.
    pub fn get(&self, address: &str, resource_type: &str, key: &str) -> Option<f64> {
        for (pattern, values) in &self.by_address {
            if let Some(v) = values.get(key) {
                if cloudwright_model::glob::glob(pattern, address) {
                    return Some(*v);
                }
            }
        }
        self.by_type.get(resource_type)?.get(key).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.by_address.is_empty() && self.by_type.is_empty()
    }
}

/// Infracost writes `name[*]` for every instance; we read it as `name*`.
fn normalise_pattern(address: &str) -> String {
    address.replace("[*]", "*")
}

type Entries = Vec<(String, BTreeMap<String, f64>)>;

fn entries(v: &Yaml, file: &str, section: &str) -> Result<Entries, String> {
    let Some(hash) = v.as_hash() else {
        if v.is_null() {
            return Ok(Vec::new());
        }
        return Err(format!("{file}: {section} must be a mapping"));
    };
    let mut out = Vec::new();
    for (k, values) in hash {
        let Some(address) = k.as_str() else {
            return Err(format!("{file}: {section} keys must be addresses"));
        };
        let mut flat = BTreeMap::new();
        flatten(values, "", &mut flat, file, address)?;
        out.push((address.to_string(), flat));
    }
    Ok(out)
}

fn flatten(
    v: &Yaml,
    prefix: &str,
    out: &mut BTreeMap<String, f64>,
    file: &str,
    address: &str,
) -> Result<(), String> {
    match v {
        Yaml::Hash(h) => {
            for (k, inner) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    _ => return Err(format!("{file}: {address}: keys must be names")),
                };
                let path = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(inner, &path, out, file, address)?;
            }
            Ok(())
        }
        Yaml::Integer(i) if *i >= 0 => {
            out.insert(prefix.to_string(), *i as f64);
            Ok(())
        }
        Yaml::Integer(i) => Err(format!(
            "{file}: {address}.{prefix}: {i} is not a non-negative number"
        )),
        Yaml::Real(r) => match r.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => {
                out.insert(prefix.to_string(), n);
                Ok(())
            }
            _ => Err(format!(
                "{file}: {address}.{prefix}: {r:?} is not a non-negative number"
            )),
        },
        // Infracost files carry strings for a few settings (operating
        // systems, tiers); we use none of them, so they are skipped
        Yaml::String(_) | Yaml::Null | Yaml::Boolean(_) | Yaml::Array(_) => Ok(()),
        _ => Err(format!("{file}: {address}.{prefix}: not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_entries_win_over_patterns_and_type_defaults() {
        let u = Usage::parse(
            "version: 0.1\nresource_type_default_usage:\n  aws_lambda_function:\n    monthly_requests: 10\nresource_usage:\n  aws_lambda_function.fn[*]:\n    monthly_requests: 20\n  aws_lambda_function.fn[\"a\"]:\n    monthly_requests: 30\n  aws_s3_bucket.b:\n    standard:\n      storage_gb: 1.5\n",
            "u.yml",
        )
        .unwrap();
        let get = |a: &str, k: &str| u.get(a, a.split('.').next().unwrap(), k);
        assert_eq!(
            get("aws_lambda_function.fn[\"a\"]", "monthly_requests"),
            Some(30.0)
        );
        assert_eq!(
            get("aws_lambda_function.fn[\"b\"]", "monthly_requests"),
            Some(20.0)
        );
        assert_eq!(
            get("aws_lambda_function.other", "monthly_requests"),
            Some(10.0)
        );
        assert_eq!(get("aws_s3_bucket.b", "standard.storage_gb"), Some(1.5));
        assert_eq!(get("aws_s3_bucket.c", "standard.storage_gb"), None);
    }

    #[test]
    fn bad_files_say_where() {
        let e = Usage::parse("resource_usage:\n  a: [1\n", "u.yml").unwrap_err();
        assert!(e.starts_with("u.yml:"), "{e}");
        let e = Usage::parse("resources:\n  a: 1\n", "u.yml").unwrap_err();
        assert!(e.contains("unknown key"), "{e}");
        let e = Usage::parse("resource_usage:\n  a:\n    x: -1.5\n", "u.yml").unwrap_err();
        assert!(e.contains("not a non-negative number"), "{e}");
    }
}
