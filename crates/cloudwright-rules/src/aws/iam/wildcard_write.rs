use crate::check::{Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// IAM policies do not allow actions that change things on every
    /// resource: an `Allow` statement with `"Resource": "*"` and a service
    /// wildcard (`s3:*`, `iam:*`) or a write action (`Create*`, `Delete*`,
    /// `Put*`, `Update*`, `Attach*`, `Run*`, `Pass*`, …). Read-only actions on
    /// `*` (`Describe*`, `List*`, `Get*`) and the full `*` (reported by
    /// CW-AWS-IAM-001) are not reported here.
    ///
    /// ## Why it matters
    /// A write action on `*` reaches every bucket, table, role and key in the
    /// account — including ones created later — where the workload needed
    /// one. It turns a compromised workload into a compromised account, and
    /// `iam:PassRole` or `iam:Attach*` on `*` is a direct privilege-escalation
    /// path.
    ///
    /// ## Failing example
    /// ```hcl
    /// data "aws_iam_policy_document" "ci" {
    ///   statement {
    ///     actions   = ["s3:PutObject", "iam:PassRole"]
    ///     resources = ["*"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// data "aws_iam_policy_document" "ci" {
    ///   statement {
    ///     actions   = ["s3:PutObject"]
    ///     resources = ["${aws_s3_bucket.artifacts.arn}/*"]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the resources (ARNs) the actions need; for `iam:PassRole`, the
    /// roles that may be passed.
    pub static IAM_WILDCARD_WRITE = {
        id: "CW-AWS-IAM-003",
        title: "IAM policy allows write actions on every resource",
        severity: High,
        category: "iam",
        resource_types: ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
        checkov: ["CKV_AWS_290"],
        trivy: ["AVD-AWS-0057", "aws-iam-no-policy-wildcards"],
        kics: [],
        remediation: "Scope the statement's Resource to the ARNs the actions need.",
        check: check,
    }
}

/// Verbs that change state (the IAM access levels Write and Permissions
/// management, by their action-name prefixes).
const WRITE_VERBS: &[&str] = &[
    "Create",
    "Delete",
    "Put",
    "Update",
    "Attach",
    "Detach",
    "Modify",
    "Set",
    "Add",
    "Remove",
    "Run",
    "Start",
    "Stop",
    "Terminate",
    "Reboot",
    "Invoke",
    "Pass",
    "Write",
    "Upload",
    "Restore",
    "Revoke",
    "Authorize",
    "Associate",
    "Disassociate",
    "Replace",
    "Reset",
    "Enable",
    "Disable",
    "Import",
    "Send",
    "Publish",
    "Change",
    "Copy",
    "Tag",
    "Untag",
    "Register",
    "Deregister",
    "Execute",
    "Rotate",
    "Cancel",
];

/// The actions of a statement that write, or are a whole-service wildcard.
fn writing_actions(actions: &[String]) -> Vec<String> {
    actions
        .iter()
        .filter(|a| {
            let Some((_, name)) = a.split_once(':') else {
                return false;
            };
            name == "*" || WRITE_VERBS.iter().any(|v| name.starts_with(v))
        })
        .cloned()
        .collect()
}

fn check_document(report: &mut Report, doc: &super::PolicyDocument<'_>) {
    let (r, attribute) = (doc.resource, doc.attribute.as_str());
    match &doc.statements {
        Tri::Known(list) => {
            let mut found = Vec::new();
            let mut undecided = None;
            for st in list
                .iter()
                .filter(|s| s.allow && s.all_resources() && !s.all_actions())
            {
                found.extend(writing_actions(&st.actions));
            }
            // statements whose unknown parts could make them a wildcard write
            for st in list {
                let could = (st.allow || st.has_unknown("Effect"))
                    && st.may_be_all_resources()
                    && (st.has_unknown("Action") || !writing_actions(&st.actions).is_empty());
                if could {
                    if let Some(why) = st.unknown_reason(&["Effect", "Resource", "Action"]) {
                        undecided.get_or_insert(why);
                    }
                }
            }
            found.sort();
            found.dedup();
            if !found.is_empty() {
                let shown: Vec<String> = found.iter().take(6).cloned().collect();
                let more = if found.len() > 6 {
                    format!(" and {} more", found.len() - 6)
                } else {
                    String::new()
                };
                report.fail(
                    r,
                    attribute,
                    format!(
                        "allows {}{more} on every resource (\"Resource\": \"*\")",
                        shown.join(", ")
                    ),
                );
            } else if let Some(why) = undecided {
                report.unknown(r, why);
            }
        }
        Tri::Unknown(why) => report.unknown(r, why),
        Tri::Absent => {}
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for doc in ctx.policy_documents() {
        report.checked(doc.resource);
        check_document(report, doc);
    }
}

crate::rule! {
    /// ## What it checks
    /// IAM policies do not grant every action of a service (`s3:*`,
    /// `dynamodb:*`) or every action (`*`) on the resources they name: an
    /// `Allow` statement with such an `Action` and a `Resource` other than
    /// `"*"` (on `"*"`, CW-AWS-IAM-001 and CW-AWS-IAM-003 report it).
    /// Partial wildcards (`s3:Get*`) are not reported.
    ///
    /// ## Why it matters
    /// `s3:*` on a bucket is more than reading and writing objects: it is
    /// also deleting the bucket, replacing its policy (opening it to
    /// anyone) and turning off its encryption, versioning or object lock —
    /// and whatever actions the service adds later. A workload rarely needs
    /// more than a few actions.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role_policy" "app" {
    ///   role = aws_iam_role.app.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "s3:*", Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"] }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role_policy" "app" {
    ///   role = aws_iam_role.app.id
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${aws_s3_bucket.data.arn}/*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// List the actions the workload calls (CloudTrail or IAM Access
    /// Analyzer's policy generation shows them).
    pub static IAM_SERVICE_WILDCARD = {
        id: "CW-AWS-IAM-016",
        title: "IAM policy grants every action of a service",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
        checkov: ["CKV_AWS_63"],
        trivy: ["AVD-AWS-0057", "aws-iam-no-policy-wildcards"],
        kics: [],
        remediation: "Replace the wildcard with the actions the workload needs.",
        check: check_service_wildcard,
    }
}

/// The actions of a statement that are every action, or every action of a
/// service.
fn service_wildcards(actions: &[String]) -> Vec<&str> {
    actions
        .iter()
        .map(String::as_str)
        .filter(|a| *a == "*" || a.split_once(':').is_some_and(|(_, name)| name == "*"))
        .collect()
}

fn check_service_wildcard(ctx: &Context<'_>, report: &mut Report) {
    for doc in ctx.policy_documents() {
        let (r, attribute) = (doc.resource, doc.attribute.as_str());
        report.checked(r);
        let list = match &doc.statements {
            Tri::Known(list) => list,
            Tri::Unknown(why) => {
                report.unknown(r, why.clone());
                continue;
            }
            Tri::Absent => continue,
        };
        let mut undecided = None;
        let mut failed = false;
        for st in list.iter().filter(|s| s.allow || s.has_unknown("Effect")) {
            let wildcards = service_wildcards(&st.actions);
            // on every resource, the rules for "*" report it
            if st.all_resources() {
                continue;
            }
            if wildcards.is_empty() {
                if st.has_unknown("Action") {
                    undecided.get_or_insert(format!("the policy's Action is {}", st.why("Action")));
                }
                continue;
            }
            if let Some(why) = st.unknown_reason(&["Effect"]) {
                undecided.get_or_insert(why);
                continue;
            }
            let on = super::resources_shown(st);
            report.fail(
                r,
                attribute,
                format!("a statement allows {} on {on}", wildcards.join(", ")),
            );
            failed = true;
            break;
        }
        if !failed {
            if let Some(why) = undecided {
                report.unknown(r, why);
            }
        }
    }
}
