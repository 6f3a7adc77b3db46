//! AWS's managed policies: the documents of every policy AWS publishes,
//! bundled so that a role carrying one is analysed rather than recorded
//! as unreadable. The table (`data/managed-policies.tsv.gz`) is written by
//! `scripts/update-managed-policies.sh` from the copy the moto package
//! keeps (each policy's default version); it is decompressed and indexed
//! on first use, and a document is decoded only when asked for.
//!
//! Format (tab-separated, one policy per line):
//!
//! ```text
//! # source: moto 5.2.6 moto/iam/aws_managed_policies.py
//! # generated: 2026-12-06
//! P  <path>  <name>  <default version>  <document, compact JSON>
//! ```

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

static EMBEDDED: &[u8] = include_bytes!("../data/managed-policies.tsv.gz");

/// The bundled managed policies.
#[derive(Debug, Default)]
pub struct ManagedPolicies {
    /// Where the documents came from, and when the table was generated.
    pub source: String,
    pub generated: String,
    text: String,
    /// `service-role/AWSLambdaBasicExecutionRole` (the ARN after
    /// `policy/`) → the policy's record
    by_tail: HashMap<String, Record>,
    /// name → the ARN tail it has
    by_name: HashMap<String, String>,
}

#[derive(Debug, Clone)]
struct Record {
    version: (usize, usize),
    document: (usize, usize),
}

/// A managed policy's document as AWS publishes it.
#[derive(Debug, Clone, Copy)]
pub struct Published<'a> {
    /// `AWSLambdaBasicExecutionRole`
    pub name: &'a str,
    /// the default version: `v3`
    pub version: &'a str,
    /// the document, JSON
    pub document: &'a str,
}

/// What an ARN in the `aws` account's `policy/` namespace names.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    Found(Published<'a>),
    /// No policy has this ARN, but one of the same name has another path:
    /// its ARN (`arn:aws:iam::aws:policy/service-role/…`).
    ElsewhereAs(&'a str),
    /// AWS publishes no policy of this name (or the table is older than it).
    Unknown,
}

impl ManagedPolicies {
    /// Reads the table format `scripts/update-managed-policies.sh` writes.
    pub fn parse(text: String) -> ManagedPolicies {
        let mut m = ManagedPolicies::default();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let line = line.trim_end_matches(['\n', '\r']);
            if let Some(rest) = line.strip_prefix("# source: ") {
                m.source = rest.to_string();
                continue;
            }
            if let Some(rest) = line.strip_prefix("# generated: ") {
                m.generated = rest.to_string();
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let ["P", path, name, version, document] = fields[..] else {
                continue;
            };
            let tail = format!("{}{name}", path.trim_start_matches('/'));
            let offset = |s: &str| s.as_ptr() as usize - line.as_ptr() as usize + start;
            m.by_tail.insert(
                tail.clone(),
                Record {
                    version: (offset(version), offset(version) + version.len()),
                    document: (offset(document), offset(document) + document.len()),
                },
            );
            m.by_name.insert(name.to_string(), tail);
        }
        m.text = text;
        m
    }

    /// How many policies the table holds.
    pub fn len(&self) -> usize {
        self.by_tail.len()
    }

    /// The ARNs of the policies, in the `aws` partition.
    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.by_tail
            .keys()
            .map(|tail| format!("arn:aws:iam::aws:policy/{tail}"))
    }

    pub fn is_empty(&self) -> bool {
        self.by_tail.is_empty()
    }

    /// The policy an ARN names, in any partition
    /// (`arn:aws-cn:iam::aws:policy/…` names the same document); `None`
    /// when the ARN is not one of the `aws` account's policies.
    pub fn lookup(&self, arn: &str) -> Option<Lookup<'_>> {
        let rest = arn.strip_prefix("arn:")?;
        let (_, rest) = rest.split_once(":iam::aws:policy/")?;
        if let Some((tail, r)) = self.by_tail.get_key_value(rest) {
            let name = tail.rsplit('/').next().unwrap_or(tail);
            let slice = |(a, b): (usize, usize)| &self.text[a..b];
            return Some(Lookup::Found(Published {
                name,
                version: slice(r.version),
                document: slice(r.document),
            }));
        }
        let name = rest.rsplit('/').next().unwrap_or(rest);
        Some(match self.by_name.get(name) {
            Some(tail) => Lookup::ElsewhereAs(tail),
            None => Lookup::Unknown,
        })
    }
}

/// The embedded table, decompressed and indexed on first use.
pub fn managed_policies() -> &'static ManagedPolicies {
    static TABLE: OnceLock<ManagedPolicies> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut text = String::new();
        // the table is written by our own generator: a failure here is a
        // build defect, and an empty table leaves every policy unread
        if flate2::read::GzDecoder::new(EMBEDDED)
            .read_to_string(&mut text)
            .is_err()
        {
            return ManagedPolicies::default();
        }
        ManagedPolicies::parse(text)
    })
}

/// The table from moto's `aws_managed_policies.py`: a Python module that
/// holds one JSON object in a triple-quoted string, policy name → `Path`,
/// `DefaultVersionId` and `Document`.
pub fn table(python: &str, source: &str, generated: &str) -> Result<String, String> {
    let start = python
        .find("\"\"\"")
        .ok_or("no triple-quoted string holding the policies")?;
    let end = python.rfind("\"\"\"").filter(|&e| e > start + 3);
    let end = end.ok_or("the policies' string is not closed")?;
    let json: serde_json::Value = serde_json::from_str(&python[start + 3..end])
        .map_err(|e| format!("the policies are not JSON: {e}"))?;
    let policies = json
        .as_object()
        .ok_or("the policies are not a JSON object")?;
    let mut out =
        format!("# source: {source} moto/iam/aws_managed_policies.py\n# generated: {generated}\n");
    let mut names: Vec<&String> = policies.keys().collect();
    names.sort();
    for name in names {
        let p = &policies[name];
        let text = |key: &str| p.get(key).and_then(|v| v.as_str());
        let path = text("Path").unwrap_or("/");
        let version = text("DefaultVersionId").ok_or(format!("{name}: no DefaultVersionId"))?;
        let document = p
            .get("Document")
            .filter(|d| d.is_object())
            .ok_or(format!("{name}: no Document object"))?;
        let clean = |s: &str| !s.contains(['\t', '\n', '\r']);
        if !(path.starts_with('/') && path.ends_with('/') && clean(path) && clean(name)) {
            return Err(format!("{name}: unusable name or path {path:?}"));
        }
        // compact JSON escapes control characters: one line
        out.push_str(&format!("P\t{path}\t{name}\t{version}\t{document}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PY: &str = r#"# Imported via `make aws_managed_policies`
aws_managed_policies_data = """
{
 "AWSLambdaBasicExecutionRole": {"DefaultVersionId": "v1", "Path": "/service-role/",
   "Document": {"Statement": [{"Action": ["logs:CreateLogGroup"], "Effect": "Allow", "Resource": "*"}],
                "Version": "2012-10-17"}},
 "AdministratorAccess": {"DefaultVersionId": "v1", "Path": "/",
   "Document": {"Statement": [{"Action": "*", "Effect": "Allow", "Resource": "*"}]}}
}"""
"#;

    #[test]
    fn moto_module_to_table_and_back() {
        let table = table(PY, "moto 9.9", "2026-12-06").unwrap();
        assert_eq!(
            table,
            "# source: moto 9.9 moto/iam/aws_managed_policies.py\n# generated: 2026-12-06\n\
             P\t/service-role/\tAWSLambdaBasicExecutionRole\tv1\t{\"Statement\":[{\"Action\":[\"logs:CreateLogGroup\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}\n\
             P\t/\tAdministratorAccess\tv1\t{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}]}\n"
        );
        let m = ManagedPolicies::parse(table);
        assert_eq!(
            (m.source.as_str(), m.generated.as_str(), m.len()),
            ("moto 9.9 moto/iam/aws_managed_policies.py", "2026-12-06", 2)
        );
        let Some(Lookup::Found(p)) =
            m.lookup("arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        else {
            panic!("not found")
        };
        assert_eq!((p.name, p.version), ("AWSLambdaBasicExecutionRole", "v1"));
        assert!(p.document.starts_with("{\"Statement\"") && p.document.ends_with('}'));
        assert!(matches!(
            m.lookup("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"),
            Some(Lookup::ElsewhereAs(
                "service-role/AWSLambdaBasicExecutionRole"
            ))
        ));
        assert!(matches!(
            m.lookup("arn:aws:iam::aws:policy/Nope"),
            Some(Lookup::Unknown)
        ));
        assert!(m
            .lookup("arn:aws:iam::123456789012:policy/AdministratorAccess")
            .is_none());
        assert!(m.lookup("AdministratorAccess").is_none());
    }

    #[test]
    fn a_broken_module_is_refused_with_why() {
        assert_eq!(
            table("x = 1", "m", "d").unwrap_err(),
            "no triple-quoted string holding the policies"
        );
        assert!(table("x = \"\"\"{\"A\": {}}\"\"\"", "m", "d")
            .unwrap_err()
            .contains("A: no DefaultVersionId"));
    }
}
