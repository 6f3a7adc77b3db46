//! The account security baseline: services a configuration that manages
//! an account's detective controls is expected to turn on. These rules
//! judge a root module only when it is such a baseline (it manages
//! CloudTrail, GuardDuty or AWS Config), and are informational.

use crate::check::{get, get_str, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

const ANCHORS: &[&str] = &[
    "aws_cloudtrail",
    "aws_guardduty_detector",
    "aws_config_configuration_recorder",
];

/// For each root that is an account baseline, the resource that makes it
/// one (where findings point).
fn baseline_roots<'g>(ctx: &Context<'g>) -> Vec<&'g Resource> {
    let mut seen = std::collections::HashSet::new();
    ctx.resources(ANCHORS)
        .filter(|r| seen.insert(r.root.clone()))
        .collect()
}

fn root_has(ctx: &Context<'_>, root: &str, types: &[&str]) -> bool {
    ctx.resources(types).any(|r| &*r.root == root)
}

fn check_service(ctx: &Context<'_>, report: &mut Report, types: &[&str], message: &str) {
    for anchor in baseline_roots(ctx) {
        report.checked(anchor);
        if !root_has(ctx, &anchor.root, types) {
            report.fail(anchor, "", message.to_string());
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// A configuration that manages an account's detective controls
    /// (CloudTrail, GuardDuty or AWS Config) also enables Security Hub
    /// (`aws_securityhub_account`). Informational.
    ///
    /// ## Why it matters
    /// Security Hub aggregates GuardDuty, Inspector, Macie, IAM Access
    /// Analyzer and Config findings and runs the AWS Foundational Security
    /// Best Practices and CIS standards continuously — the running
    /// counterpart of this scan.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_guardduty_detector" "main" {
    ///   enable = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_guardduty_detector" "main" {
    ///   enable = true
    /// }
    /// resource "aws_securityhub_account" "main" {}
    /// ```
    ///
    /// ## How to fix
    /// Enable Security Hub (through the organization's delegated
    /// administrator) with the standards you follow.
    pub static SECURITY_HUB = {
        id: "CW-AWS-BASELINE-001",
        title: "Account baseline without Security Hub",
        severity: Info,
        category: "monitoring",
        resource_types: ["aws_cloudtrail", "aws_guardduty_detector", "aws_config_configuration_recorder", "aws_securityhub_account"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add aws_securityhub_account (and the standards subscriptions).",
        check: |ctx, report| check_service(ctx, report, &["aws_securityhub_account", "aws_securityhub_organization_admin_account"], "this account baseline does not enable Security Hub"),
    }
}

crate::rule! {
    /// ## What it checks
    /// A configuration that manages an account's detective controls
    /// (CloudTrail, GuardDuty or AWS Config) also creates an IAM Access
    /// Analyzer (`aws_accessanalyzer_analyzer`). Informational.
    ///
    /// ## Why it matters
    /// Access Analyzer continuously finds resources shared outside the
    /// account or organization — buckets, keys, roles, queues, snapshots —
    /// and unused access, including changes made outside Terraform.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_accessanalyzer_analyzer" "account" {
    ///   analyzer_name = "account"
    ///   type          = "ACCOUNT"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create an analyzer (type `ORGANIZATION` from the management or
    /// delegated administrator account).
    pub static ACCESS_ANALYZER = {
        id: "CW-AWS-BASELINE-002",
        title: "Account baseline without IAM Access Analyzer",
        severity: Info,
        category: "iam",
        resource_types: ["aws_cloudtrail", "aws_guardduty_detector", "aws_config_configuration_recorder", "aws_accessanalyzer_analyzer"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an aws_accessanalyzer_analyzer.",
        check: |ctx, report| check_service(ctx, report, &["aws_accessanalyzer_analyzer"], "this account baseline does not create an IAM Access Analyzer"),
    }
}

fn check_macie(ctx: &Context<'_>, report: &mut Report) {
    let mut reported = std::collections::HashSet::new();
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        // a classification the code does not determine may be sensitive
        let unclassified = match sensitive(bucket) {
            Tri::Known(true) => None,
            Tri::Unknown(why) => Some(why),
            _ => continue,
        };
        report.checked(bucket);
        if root_has(
            ctx,
            &bucket.root,
            &[
                "aws_macie2_account",
                "aws_macie2_organization_admin_account",
            ],
        ) {
            continue;
        }
        if let Some(why) = unclassified {
            report.unknown(bucket, why);
        } else if reported.insert(bucket.root.clone()) {
            report.fail(bucket, "", format!("bucket `{}` is classified sensitive, and this configuration does not enable Macie to discover what it holds", bucket.name));
        }
    }
}

/// Whether a bucket's tags classify it as sensitive (see CW-AWS-S3-011).
fn sensitive(bucket: &Resource) -> Tri<bool> {
    match crate::aws::s3::governance::classification(bucket) {
        Tri::Known(Some(c)) => Tri::Known(crate::aws::s3::governance::sensitive_class(&c)),
        Tri::Known(None) | Tri::Absent => Tri::Known(false),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

crate::rule! {
    /// ## What it checks
    /// A configuration with buckets tagged as holding sensitive data (see
    /// CW-AWS-S3-011) enables Amazon Macie (`aws_macie2_account`). Reported
    /// once per root module, on the first such bucket. Informational.
    ///
    /// ## Why it matters
    /// Tags say what a bucket is meant to hold; Macie finds what it
    /// actually holds — personal data, credentials, financial records — and
    /// which buckets with such data are public or shared.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "customers" {
    ///   bucket = "acme-customers"
    ///   tags   = { DataClassification = "confidential" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_macie2_account" "main" {}
    /// ```
    ///
    /// ## How to fix
    /// Enable Macie and a discovery job (or automated sensitive data
    /// discovery) for the data buckets.
    pub static MACIE = {
        id: "CW-AWS-BASELINE-003",
        title: "Sensitive buckets without Macie",
        severity: Info,
        category: "monitoring",
        resource_types: ["aws_s3_bucket", "aws_macie2_account"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add aws_macie2_account and a classification job.",
        check: check_macie,
    }
}

fn check_scps(ctx: &Context<'_>, report: &mut Report) {
    for org in ctx.resources(&["aws_organizations_organization"]) {
        report.checked(org);
        let scps = ctx
            .resources(&["aws_organizations_policy"])
            .filter(|p| p.root == org.root)
            .map(|p| get_str(p, "type"))
            .collect::<Vec<_>>();
        if scps.iter().any(|t| {
            matches!(t, Tri::Absent) || matches!(t, Tri::Known(k) if k == "SERVICE_CONTROL_POLICY")
        }) {
            continue;
        }
        if let Some(Tri::Unknown(why)) = scps.into_iter().find(|t| matches!(t, Tri::Unknown(_))) {
            report.unknown(org, why);
            continue;
        }
        let enabled = match get(org, "enabled_policy_types") {
            Tri::Known(v) => v.as_list().is_some_and(|l| {
                l.iter()
                    .any(|t| t.as_str() == Some("SERVICE_CONTROL_POLICY"))
            }),
            _ => false,
        };
        let what = if enabled {
            ""
        } else {
            " (and SERVICE_CONTROL_POLICY is not in enabled_policy_types)"
        };
        report.fail(
            org,
            "",
            format!("the organization has no service control policies{what}"),
        );
    }
}

crate::rule! {
    /// ## What it checks
    /// An AWS Organization managed here has service control policies: an
    /// `aws_organizations_policy` of type `SERVICE_CONTROL_POLICY` (the
    /// default type). Informational.
    ///
    /// ## Why it matters
    /// SCPs are the guardrails no account administrator can remove: deny
    /// leaving the organization, disabling CloudTrail or GuardDuty, using
    /// unapproved regions, or acting as the root user.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_organizations_organization" "org" {
    ///   feature_set = "ALL"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_organizations_organization" "org" {
    ///   feature_set          = "ALL"
    ///   enabled_policy_types = ["SERVICE_CONTROL_POLICY"]
    /// }
    /// resource "aws_organizations_policy" "guardrails" {
    ///   name    = "guardrails"
    ///   content = data.aws_iam_policy_document.guardrails.json
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable SCPs and attach guardrail policies to the root or OUs.
    pub static SCPS = {
        id: "CW-AWS-BASELINE-004",
        title: "Organization without service control policies",
        severity: Info,
        category: "iam",
        resource_types: ["aws_organizations_organization", "aws_organizations_policy"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add aws_organizations_policy guardrails and attach them.",
        check: check_scps,
    }
}

fn logs_s3_data_events(trail: &Resource) -> Tri<bool> {
    let mut undecided = None;
    match get(trail, "event_selector") {
        Tri::Known(v) => {
            for sel in v.as_list().unwrap_or_default() {
                for dr in sel
                    .get("data_resource")
                    .and_then(|d| d.as_list().map(<[_]>::to_vec))
                    .unwrap_or_default()
                {
                    match dr.get("type") {
                        Some(t) if t.is_unknown() => {
                            undecided.get_or_insert(format!(
                                "a data resource type is {}",
                                t.why_unknown()
                            ));
                        }
                        Some(t) if t.as_str() == Some("AWS::S3::Object") => {
                            return Tri::Known(true)
                        }
                        _ => {}
                    }
                }
            }
        }
        Tri::Unknown(why) => return Tri::Unknown(why),
        Tri::Absent => {}
    }
    match get(trail, "advanced_event_selector") {
        Tri::Known(v) => {
            for sel in v.as_list().unwrap_or_default() {
                for fs in sel
                    .get("field_selector")
                    .and_then(|d| d.as_list().map(<[_]>::to_vec))
                    .unwrap_or_default()
                {
                    let field = fs.get("field");
                    let equals = fs.get("equals");
                    if field.as_ref().and_then(|f| f.as_str()) == Some("resources.type") {
                        match equals {
                            Some(e) if e.is_unknown() => {
                                undecided.get_or_insert(format!(
                                    "an advanced event selector is {}",
                                    e.why_unknown()
                                ));
                            }
                            Some(e)
                                if e.as_list().is_some_and(|l| {
                                    l.iter().any(|x| x.as_str() == Some("AWS::S3::Object"))
                                }) =>
                            {
                                return Tri::Known(true);
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        Tri::Unknown(why) => return Tri::Unknown(why),
        Tri::Absent => {}
    }
    undecided.map_or(Tri::Known(false), Tri::Unknown)
}

fn check_data_events(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        let unclassified = match sensitive(bucket) {
            Tri::Known(true) => None,
            Tri::Unknown(why) => Some(why),
            _ => continue,
        };
        let trails: Vec<&Resource> = ctx
            .resources(&["aws_cloudtrail"])
            .filter(|t| t.root == bucket.root)
            .collect();
        // where no trail is managed here, an organization trail may log it
        if trails.is_empty() {
            continue;
        }
        report.checked(bucket);
        let mut undecided = None;
        let mut logged = false;
        for t in trails {
            match logs_s3_data_events(t) {
                Tri::Known(true) => logged = true,
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if logged {
            continue;
        }
        match undecided.or(unclassified) {
            Some(why) => report.unknown(bucket, why),
            None => {
                report.fail(bucket, "", format!("bucket `{}` is classified sensitive, but no trail logs S3 object-level (data) events: reads of its objects leave no audit record", bucket.name));
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Where the configuration manages CloudTrail, buckets tagged as
    /// holding sensitive data (see CW-AWS-S3-011) have their object-level
    /// access logged: some trail in the same root module has an
    /// `event_selector` with a `data_resource` of type `AWS::S3::Object`, or
    /// an `advanced_event_selector` selecting `resources.type` =
    /// `AWS::S3::Object`. (Roots without a trail are not judged: an
    /// organization trail elsewhere may cover them.)
    ///
    /// ## Why it matters
    /// Management events do not record `GetObject`: without data events,
    /// who read which customer file — the first question after a leak —
    /// has no answer.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "customers" {
    ///   bucket = "acme-customers"
    ///   tags   = { DataClassification = "confidential" }
    /// }
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    ///   event_selector {
    ///     read_write_type           = "All"
    ///     include_management_events = true
    ///     data_resource {
    ///       type   = "AWS::S3::Object"
    ///       values = ["${aws_s3_bucket.customers.arn}/"]
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a data event selector for the sensitive buckets (data events are
    /// billed per event: select the buckets, not all of S3).
    pub static S3_DATA_EVENTS = {
        id: "CW-AWS-CLOUDTRAIL-006",
        title: "Sensitive bucket without S3 data event logging",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_s3_bucket", "aws_cloudtrail"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an event_selector data_resource of type AWS::S3::Object for the bucket.",
        check: check_data_events,
    }
}
