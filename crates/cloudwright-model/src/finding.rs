//! Findings: what every engine (rules, network, IAM, resilience, …) reports.
//! Plain data; renderers turn them into text, JSON, SARIF, ….

use crate::resource::ValueSource;
use crate::source::Span;
use crate::value::Value;
use serde::Serialize;
use std::fmt;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl FindingSeverity {
    pub const ALL: [FindingSeverity; 5] = [
        FindingSeverity::Critical,
        FindingSeverity::High,
        FindingSeverity::Medium,
        FindingSeverity::Low,
        FindingSeverity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingSeverity::Info => "info",
            FindingSeverity::Low => "low",
            FindingSeverity::Medium => "medium",
            FindingSeverity::High => "high",
            FindingSeverity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<FindingSeverity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "info" | "informational" => FindingSeverity::Info,
            "low" => FindingSeverity::Low,
            "medium" | "moderate" => FindingSeverity::Medium,
            "high" => FindingSeverity::High,
            "critical" => FindingSeverity::Critical,
            _ => return None,
        })
    }
}

impl fmt::Display for FindingSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value that backs a finding, and how it reached the attribute.
#[derive(Clone, Debug)]
pub struct Evidence {
    /// Attribute path on the finding's resource (or another resource's
    /// address and path for cross-resource evidence).
    pub attribute: String,
    pub value: Value,
    pub provenance: Vec<std::sync::Arc<ValueSource>>,
}

/// Another place that matters for a finding (the companion resource, the
/// rule that opens the port, …).
#[derive(Clone, Debug)]
pub struct RelatedLocation {
    pub message: String,
    pub span: Span,
}

/// One problem in one resource: a handle to its [`FindingData`], read and
/// written through it as if the fields were its own.
///
/// A large tree yields 100,000+ findings that are sorted, filtered,
/// suppressed and moved between lists; moving a handle moves one pointer
/// instead of a 256-byte record, and the lists never hold a second copy of
/// the records in fresh memory (docs/benchmarks.md).
#[derive(Clone, Debug)]
pub struct Finding(Box<FindingData>);

impl From<FindingData> for Finding {
    fn from(data: FindingData) -> Finding {
        Finding(Box::new(data))
    }
}

impl std::ops::Deref for Finding {
    type Target = FindingData;

    fn deref(&self) -> &FindingData {
        &self.0
    }
}

impl std::ops::DerefMut for Finding {
    fn deref_mut(&mut self) -> &mut FindingData {
        &mut self.0
    }
}

/// A finding's message: written for the finding, or shared by many (a
/// rule that says the same of 60,000 resources keeps the sentence once).
/// Either way it reads as a `str`.
#[derive(Clone, Debug)]
pub enum Message {
    Own(String),
    Shared(std::sync::Arc<str>),
}

impl std::ops::Deref for Message {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Message::Own(s) => s,
            Message::Shared(s) => s,
        }
    }
}

/// Compared as the text it holds, however it is stored.
impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        **self == **other
    }
}

impl Eq for Message {}

impl PartialOrd for Message {
    fn partial_cmp(&self, other: &Message) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Message {
    fn cmp(&self, other: &Message) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::Own(s)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::Own(s.to_string())
    }
}

impl From<std::sync::Arc<str>> for Message {
    fn from(s: std::sync::Arc<str>) -> Message {
        Message::Shared(s)
    }
}

/// What a [`Finding`] says.
#[derive(Clone, Debug)]
pub struct FindingData {
    /// `CW-AWS-S3-001`
    pub rule_id: &'static str,
    pub severity: FindingSeverity,
    pub title: &'static str,
    /// What is wrong with this resource, in a sentence.
    pub message: Message,
    /// Resource address (unique within `root`).
    pub resource: String,
    /// The root module the resource belongs to (`.` for the scanned directory).
    pub root: compact_str::CompactString,
    pub resource_type: compact_str::CompactString,
    /// Attribute path the finding is about (`""` for the resource as a whole);
    /// part of the stable fingerprint.
    pub attribute: compact_str::CompactString,
    /// Primary location: the attribute when it is set, else the block.
    pub span: Option<Span>,
    pub related: Vec<RelatedLocation>,
    pub evidence: Vec<Evidence>,
    pub remediation: &'static str,
}

impl FindingData {
    /// Adds another resource involved in the finding as a related location.
    pub fn related_to(&mut self, r: &crate::Resource, message: impl Into<String>) -> &mut Self {
        if let Some(span) = r.span {
            self.related.push(RelatedLocation {
                message: message.into(),
                span,
            });
        }
        self
    }

    /// Stable identity across reformatting and edits elsewhere: rule, root
    /// module, resource address and attribute path — never line numbers.
    pub fn fingerprint(&self) -> String {
        // FNV-1a, 64 bit, of the parts joined by NUL bytes: stable across
        // versions and platforms (hashed part by part, never joined)
        let mut hash: u64 = 0xcbf29ce484222325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x100000001b3);
            }
        };
        feed(self.rule_id.as_bytes());
        for part in [&*self.root, &*self.resource, &*self.attribute] {
            feed(b"\0");
            feed(part.as_bytes());
        }
        // sixteen lower-case hex digits, as `{hash:016x}` writes them
        let mut hex = String::with_capacity(16);
        for shift in (0..16).rev().map(|i| i * 4) {
            hex.push(char::from(
                b"0123456789abcdef"[(hash >> shift) as usize & 0xf],
            ));
        }
        hex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FindingData {
        FindingData {
            rule_id: "CW-X-1",
            severity: FindingSeverity::High,
            title: "t",
            message: "m".into(),
            resource: "aws_s3_bucket.b".into(),
            root: ".".into(),
            resource_type: "aws_s3_bucket".into(),
            attribute: "acl".into(),
            span: None,
            related: vec![],
            evidence: vec![],
            remediation: "",
        }
    }

    #[test]
    fn fingerprint_ignores_location() {
        let mut f = sample();
        let a = f.fingerprint();
        f.message = "other words".into();
        assert_eq!(a, f.fingerprint());
        f.attribute = "policy".into();
        assert_ne!(a, f.fingerprint());
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn fingerprint_is_fnv1a_of_the_parts_joined_by_nul() {
        let f = sample();
        let mut hash: u64 = 0xcbf29ce484222325;
        for b in "CW-X-1\0.\0aws_s3_bucket.b\0acl".bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x100000001b3);
        }
        assert_eq!(f.fingerprint(), format!("{hash:016x}"));
    }

    #[test]
    fn messages_compare_as_text_however_stored() {
        let own = Message::from("missing required tag team");
        let shared = Message::from(std::sync::Arc::<str>::from("missing required tag team"));
        assert_eq!(own, shared);
        assert_eq!(&*shared, "missing required tag team");
        assert!(Message::from("a") < Message::from(std::sync::Arc::<str>::from("b")));
        assert_eq!(shared.to_string(), "missing required tag team");
    }
}
