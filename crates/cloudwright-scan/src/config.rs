//! `cloudwright.toml`: rule selection, severity overrides, path-scoped
//! ignores with reasons, default outputs and the fail threshold. Found by
//! walking up from the scanned path (stopping at the repository root), or
//! given with `--config`. Unknown keys are errors, reported at their line.

use cloudwright_model::FindingSeverity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "cloudwright.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub scan: ScanSection,
    /// Rule id or alias → severity.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
    #[serde(default)]
    pub network: NetworkSection,
    #[serde(default)]
    pub iac: IacSection,
    pub tags: Option<TagsSection>,
    /// Root directory pattern (`*` wildcard) → environment name.
    #[serde(default)]
    pub environments: BTreeMap<String, String>,
    #[serde(default)]
    pub observability: ObservabilitySection,
    #[serde(default)]
    pub resilience: ResilienceSection,
    #[serde(default)]
    pub terragrunt: TerragruntSection,
    /// Where the file was read from (set after loading).
    #[serde(skip)]
    pub path: PathBuf,
}

/// `[terragrunt]`: how Terragrunt units are read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerragruntSection {
    /// Terragrunt's `--source-map`: a remote module source (up to its
    /// `//`) → the directory of a local checkout of it, relative to this
    /// file.
    #[serde(default)]
    pub source_map: BTreeMap<String, String>,
}

impl Config {
    /// `[terragrunt] source_map` as `SOURCE=DIR` pairs, each directory
    /// relative to this file's.
    pub fn terragrunt_source_map(&self) -> Vec<String> {
        let base = self.path.parent().unwrap_or(std::path::Path::new("."));
        self.terragrunt
            .source_map
            .iter()
            .map(|(source, dir)| format!("{source}={}", base.join(dir).display()))
            .collect()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    pub fail_on: Option<String>,
    pub severity: Option<String>,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub skip_rules: Vec<String>,
    #[serde(default)]
    pub outputs: Vec<String>,
    pub inline_suppressions: Option<bool>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// `[iac]`: how the team runs its infrastructure code.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IacSection {
    /// Resource type → the shared module the team provides for it.
    #[serde(default)]
    pub shared_modules: BTreeMap<String, String>,
}

/// `[observability]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservabilitySection {
    /// Minimum retention of audit log groups (default 365).
    pub audit_log_retention_days: Option<u32>,
}

/// `[resilience]`: disaster-recovery drills.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResilienceSection {
    /// The date of the last restore drill, `YYYY-MM-DD`.
    pub last_restore_drill: Option<String>,
    /// How old the last drill may be, in days (default 180).
    pub max_drill_age_days: Option<u32>,
    /// Services the code cannot show: an entry point and its dependencies.
    #[serde(default)]
    pub services: Vec<ServiceEntry>,
    /// The recovery model's figures, as durations (`restore_base = "45m"`).
    #[serde(default)]
    pub model: BTreeMap<String, String>,
}

/// `[[resilience.services]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    pub entry: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
}

/// `[tags]`: the tagging policy; absent keys keep the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagsSection {
    /// Required tags; `a|b` means either key.
    pub required: Option<Vec<String>>,
    /// Tags counted in the coverage summary but not required.
    pub optional: Option<Vec<String>>,
    /// Key → allowed values.
    #[serde(default)]
    pub values: BTreeMap<String, Vec<String>>,
    /// Key → a pattern (`*` wildcard) values must match.
    #[serde(default)]
    pub patterns: BTreeMap<String, String>,
}

impl Config {
    /// Scan options as this file sets them (rule selection, inline
    /// suppressions, severity overrides, ignores, the rules' settings).
    pub fn scan_options(&self) -> crate::ScanOptions {
        crate::ScanOptions {
            only: self.scan.rules.clone(),
            skip: self.scan.skip_rules.clone(),
            inline_suppressions: self.scan.inline_suppressions.unwrap_or(true),
            severity_overrides: self
                .severity
                .iter()
                .filter_map(|(rule, sev)| FindingSeverity::parse(sev).map(|s| (rule.clone(), s)))
                .collect(),
            ignores: self.ignore.clone(),
            settings: self.settings(),
            ..Default::default()
        }
    }

    /// The recovery model with this file's figures (checked at load).
    pub fn recovery_model(&self) -> Result<cloudwright_resilience::RecoveryModel, String> {
        let mut m = cloudwright_resilience::RecoveryModel::default();
        for (k, v) in &self.resilience.model {
            m.set(k, v)?;
        }
        Ok(m)
    }

    /// What the rules read from this file.
    pub fn settings(&self) -> cloudwright_rules::Settings {
        use cloudwright_rules::tagging::{Requirement, TagPolicy};
        let mut tags = TagPolicy::default();
        if let Some(t) = &self.tags {
            if let Some(required) = &t.required {
                tags.required = required.iter().map(|r| Requirement::parse(r)).collect();
            }
            if let Some(optional) = &t.optional {
                tags.optional = optional.clone();
            }
            tags.values = t
                .values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            tags.patterns = t
                .patterns
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
        cloudwright_rules::Settings {
            segmentation: self.network.policy(),
            shared_modules: self
                .iac
                .shared_modules
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            tags,
            environments: self
                .environments
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            audit_log_retention_days: self.observability.audit_log_retention_days.unwrap_or(365),
            last_restore_drill: self.resilience.last_restore_drill.clone(),
            max_drill_age_days: self.resilience.max_drill_age_days.unwrap_or(180),
            today: cloudwright_model::date::today_utc(),
            resilience: cloudwright_resilience::Options {
                services: self
                    .resilience
                    .services
                    .iter()
                    .map(|s| cloudwright_resilience::DeclaredService {
                        entry: s.entry.clone(),
                        depends_on: s.depends_on.clone(),
                    })
                    .collect(),
                model: self.recovery_model().unwrap_or_default(),
            },
        }
    }
}

/// `[network]`: the segmentation policy.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSection {
    /// Subnet address pattern (`*` wildcard) → `public`, `app` or `data`.
    #[serde(default)]
    pub tiers: BTreeMap<String, String>,
    /// Resource types allowed in the public tier besides load balancers
    /// and NAT gateways.
    #[serde(default)]
    pub public_types: Vec<String>,
    /// Flows allowed besides the defaults: `FROM->TO` or `FROM->TO:PORT[-PORT]`.
    #[serde(default)]
    pub allow: Vec<String>,
    /// On-premises ranges reached over VPN or Direct Connect (CIDRs).
    #[serde(default)]
    pub on_premises: Vec<String>,
}

impl NetworkSection {
    /// The policy the network rules apply (checked when the file loads).
    pub fn policy(&self) -> cloudwright_network::segment::Policy {
        use cloudwright_network::segment::{Flow, Policy};
        use cloudwright_network::topology::Tier;
        Policy {
            tiers: self
                .tiers
                .iter()
                .filter_map(|(k, v)| {
                    let t = match v.as_str() {
                        "public" => Tier::Public,
                        "app" => Tier::App,
                        "data" => Tier::Data,
                        _ => return None,
                    };
                    Some((k.clone(), t))
                })
                .collect(),
            public_types: self.public_types.clone(),
            allow: self
                .allow
                .iter()
                .filter_map(|f| Flow::parse(f).ok())
                .collect(),
            on_premises: self.on_premises.clone(),
        }
    }
}

/// Findings to ignore under some paths, with the reason why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    /// Rule ids, aliases or globs; all rules when empty.
    #[serde(default)]
    pub rules: Vec<String>,
    /// File path globs (relative to the scanned directory); all files when empty.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Resource address globs; all resources when empty.
    #[serde(default)]
    pub resources: Vec<String>,
    pub reason: String,
    pub expires: Option<String>,
}

/// A config file that could not be used, with a location when known.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path.display(), self.message),
            _ => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// `cloudwright.toml` in `start` or the nearest parent, stopping at the
/// directory that holds `.git`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut dir = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?.to_path_buf();
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let error = |line: Option<usize>, column: Option<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| error(None, None, format!("cannot read: {e}")))?;
    let mut config: Config = toml::from_str(&text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let (l, c) = line_col(&text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        error(line, column, e.message().to_string())
    })?;
    config.path = path.to_path_buf();
    // semantic checks, located by the key they are about
    let locate = |needle: &str| {
        text.find(needle)
            .map(|o| line_col(&text, o))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)))
    };
    for (key, value) in [
        ("fail_on", &config.scan.fail_on),
        ("severity", &config.scan.severity),
    ] {
        if let Some(v) = value {
            if FindingSeverity::parse(v).is_none() {
                let (l, c) = locate(key);
                return Err(error(
                    l,
                    c,
                    format!("`{key}` must be critical, high, medium, low or info, not {v:?}"),
                ));
            }
        }
    }
    if let Some(date) = &config.resilience.last_restore_drill {
        if cloudwright_model::date::parse_ymd(date).is_none() {
            let (l, c) = locate("last_restore_drill");
            return Err(error(
                l,
                c,
                format!("`last_restore_drill` must be a date YYYY-MM-DD, not {date:?}"),
            ));
        }
    }
    if let Err(message) = config.recovery_model() {
        let key = message.split_whitespace().next().unwrap_or("model");
        let (l, c) = locate(key);
        return Err(error(l, c, format!("[resilience.model] {message}")));
    }
    let all = cloudwright_rules::all();
    for (rule, severity) in &config.severity {
        if FindingSeverity::parse(severity).is_none() {
            let (l, c) = locate(rule);
            return Err(error(l, c, format!("severity of {rule:?} must be critical, high, medium, low or info, not {severity:?}")));
        }
        if !all.iter().any(|r| crate::selects(rule, r)) {
            let (l, c) = locate(rule);
            return Err(error(l, c, format!("[severity] names no rule: {rule:?}")));
        }
    }
    for name in config
        .scan
        .rules
        .iter()
        .chain(config.scan.skip_rules.iter())
        .chain(config.ignore.iter().flat_map(|i| i.rules.iter()))
    {
        if !all.iter().any(|r| crate::selects(name, r)) {
            let (l, c) = locate(name);
            return Err(error(
                l,
                c,
                format!("no rule matches {name:?} (see `cloudwright rules`)"),
            ));
        }
    }
    for (pattern, tier) in &config.network.tiers {
        if !matches!(tier.as_str(), "public" | "app" | "data") {
            let (l, c) = locate(pattern);
            return Err(error(
                l,
                c,
                format!("the tier of {pattern:?} must be public, app or data, not {tier:?}"),
            ));
        }
    }
    for range in &config.network.on_premises {
        if range.parse::<ipnet::IpNet>().is_err() {
            let (l, c) = locate(range);
            return Err(error(
                l,
                c,
                format!("on_premises entries are CIDRs such as \"10.0.0.0/8\", not {range:?}"),
            ));
        }
    }
    for flow in &config.network.allow {
        if let Err(e) = cloudwright_network::segment::Flow::parse(flow) {
            let (l, c) = locate(flow);
            return Err(error(l, c, e));
        }
    }
    for entry in &config.ignore {
        if entry.reason.trim().is_empty() {
            return Err(error(
                None,
                None,
                "every [[ignore]] needs a non-empty `reason`".into(),
            ));
        }
        for glob in entry.paths.iter().chain(entry.resources.iter()) {
            if let Err(e) = globset::Glob::new(glob) {
                let (l, c) = locate(glob);
                return Err(error(l, c, format!("invalid glob {glob:?}: {e}")));
            }
        }
    }
    Ok(config)
}

/// The starter file `cloudwright init` writes.
pub const STARTER: &str = r#"# Cloudwright configuration. Every key is optional; command-line flags win.
# Reference: `cloudwright rules`, `cloudwright explain RULE`, docs/rules.md.

[scan]
# Exit 1 when a finding at or above this severity remains (critical, high, medium, low, info).
fail_on = "medium"
# Hide findings below this severity.
# severity = "low"
# Run only these rules (ids, Checkov/Trivy aliases, or globs such as "CW-AWS-S3-*").
# rules = []
# Never run these rules.
# skip_rules = ["CW-AWS-SG-005"]
# Outputs when no -o is given: text, json, sarif, junit, github, markdown, with optional =FILE.
# outputs = ["text", "sarif=cloudwright.sarif"]
# Honour inline suppression comments (cloudwright:ignore, checkov:skip, tfsec/trivy:ignore, kics-scan).
# inline_suppressions = true
# Paths (globs, relative to the scanned directory) that are not scanned.
# exclude = ["sandbox/**"]

# Change the severity of a rule for this repository.
[severity]
# "CW-AWS-S3-004" = "info"

# Ignore findings under some paths, always with a reason (and an expiry).
# [[ignore]]
# rules = ["CW-AWS-S3-003"]
# paths = ["legacy/**"]
# resources = ["module.scratch.*"]
# reason = "scratch buckets, deleted with the legacy stack"
# expires = "2026-12-31"

# Network segmentation (rules CW-AWS-NET-003..005). Subnets fall into tiers by
# their tags ("Tier"), their names, a default route to an internet gateway
# (public) or membership of a database/cache subnet group (data); by default
# only load balancers and NAT gateways sit in the public tier, the app tier is
# reached from the public tier and itself, and the data tier from the app tier
# on the engine port and from itself.
[network]
# Classify subnets by address pattern (first match wins).
# tiers = { "module.network.aws_subnet.this[\"mgmt-*\"]" = "app" }
# More resource types allowed in the public tier.
# public_types = ["aws_instance"]
# More allowed flows: FROM->TO or FROM->TO:PORT[-PORT], tiers public, app, data.
# allow = ["app->data:9000-9100"]
# Ranges of the networks reached over VPN or Direct Connect, checked for overlaps.
# on_premises = ["192.168.0.0/16"]

# The tagging policy (CW-TF-TAG-001/002 and the coverage summary). Effective tags
# are the provider's default_tags merged with the resource's own.
[tags]
# Required tags; "a|b" accepts either key. These are the defaults:
# required = ["team|owner", "environment|env", "project|product|application"]
# optional = ["cost-center"]
# [tags.values]
# environment = ["prod", "staging", "dev"]
# [tags.patterns]
# cost-center = "CC-*"

# Environments, when directory names and environment tags do not say
# (prod/production/prd/live, staging/stage/stg/uat, dev/test/qa/sandbox are
# recognised). Production must have Multi-AZ databases, deletion protection,
# 7 days of backups and alarms; non-production is allowed less.
[environments]
# "accounts/123456789012/*" = "prod"

[observability]
# Minimum retention of audit log groups (CloudTrail, flow logs, "audit"), days.
# audit_log_retention_days = 365

[resilience]
# The last time a restore was drilled end to end, and how old that may be
# (CW-AWS-RES-007): "a backup that has never been restored is a hypothesis".
# last_restore_drill = "2026-06-01"
# max_drill_age_days = 180
# Services the code cannot show (a dependency through DNS names, a queue
# read by a job elsewhere): an entry point and what it depends on.
# The recovery model (defaults shown): point-in-time recovery point,
# failover and restore times. Set them from your drills' measurements.
# [resilience.model]
# pitr_rpo = "5m"
# multi_az_failover = "2m"
# restore_base = "30m"
# restore_per_gb = "6s"
# aurora_failover = "1m"
# aurora_restore = "10m"
# dynamodb_restore = "1h"
# cache_failover = "1m"
# cache_restore = "30m"
# [[resilience.services]]
# entry = "aws_lb.public"
# depends_on = ["aws_db_instance.orders", "aws_elasticache_replication_group.sessions"]

# Resource types the team provides a shared module for (CW-TF-MODULE-001).
[iac.shared_modules]
# aws_vpc = "git::https://github.com/acme/tf-modules.git//vpc?ref=v3.2.0"

# Terragrunt units whose `terraform { source }` is a remote module, and the
# units and stacks a terragrunt.stack.hcl copies from a remote catalog: read
# them from a local checkout (Terragrunt's --source-map), relative to this file.
[terragrunt.source_map]
# "git::git@github.com:acme/tf-modules.git" = "../tf-modules"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration file in a directory of its own, removed when the
    /// test is done with it.
    struct Written {
        dir: PathBuf,
        file: PathBuf,
    }

    impl std::ops::Deref for Written {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.file
        }
    }

    impl Drop for Written {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// Writes `text` as a configuration file; each call gets its own
    /// directory, so tests running at once never share one.
    fn write(text: &str) -> Written {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cw-config-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(FILE_NAME);
        std::fs::write(&file, text).unwrap();
        Written { dir, file }
    }

    #[test]
    fn the_starter_file_is_valid() {
        let p = write(STARTER);
        let c = load(&p).unwrap();
        assert_eq!(c.scan.fail_on.as_deref(), Some("medium"));
    }

    #[test]
    fn a_terragrunt_source_map_is_relative_to_the_file() {
        let p = write("[terragrunt.source_map]\n\"git::git@github.com:acme/m.git\" = \"../m\"\n");
        let c = load(&p).unwrap();
        let dir = p.parent().unwrap().join("../m");
        assert_eq!(
            c.terragrunt_source_map(),
            [format!("git::git@github.com:acme/m.git={}", dir.display())]
        );
    }

    #[test]
    fn unknown_keys_are_located() {
        let p = write("[scan]\nfail_on = \"high\"\nfailon = \"low\"\n");
        let e = load(&p).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(1)), "{e}");
        assert!(e.message.contains("unknown field `failon`"), "{e}");
    }

    #[test]
    fn semantic_errors_are_located() {
        let p = write("[scan]\nfail_on = \"severe\"\n");
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let p = write("[[ignore]]\nrules = [\"CW-NOPE-*\"]\nreason = \"x\"\n");
        assert!(load(&p).unwrap_err().message.contains("no rule matches"));
        let p = write("[[ignore]]\nrules = [\"CW-AWS-S3-*\"]\nreason = \"\"\n");
        assert!(load(&p).unwrap_err().message.contains("reason"));
        let p = write("[resilience]\nlast_restore_drill = \"June\"\n");
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let p = write("[resilience.model]\npitr_rpo = \"5m\"\nrestore_base = \"a while\"\n");
        let e = load(&p).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("not a duration"), "{e}");
    }

    #[test]
    fn resilience_settings_reach_the_engine() {
        let p = write(
            "[resilience]\nlast_restore_drill = \"2026-11-01\"\nmax_drill_age_days = 90\n[resilience.model]\nrestore_base = \"1h\"\n[[resilience.services]]\nentry = \"aws_lb.public\"\ndepends_on = [\"aws_db_instance.orders\"]\n",
        );
        let s = load(&p).unwrap().settings();
        assert_eq!(s.last_restore_drill.as_deref(), Some("2026-11-01"));
        assert_eq!(s.max_drill_age_days, 90);
        assert_eq!(s.resilience.model.restore_base, 3600);
        assert_eq!(
            s.resilience.services[0].depends_on,
            vec!["aws_db_instance.orders"]
        );
    }
}
