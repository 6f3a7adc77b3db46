//! Findings from the IAM engine: principals that are administrators in
//! effect, and principals that can make themselves so.

use crate::check::Context;
use crate::Report;
use cloudwright_model::RelatedLocation;

crate::rule! {
    /// ## What it checks
    /// No role or user can raise itself to administrator through a known
    /// privilege-escalation pattern, as the IAM engine finds it by
    /// evaluating each principal's identity policies (inline, attached,
    /// AWS-managed ones it bundles, group policies) within its permissions
    /// boundary: changing its own policies (`iam:PutRolePolicy`,
    /// `iam:AttachRolePolicy`, `iam:CreatePolicyVersion`, …), assuming a
    /// more powerful role its trust policy admits, rewriting a role's trust
    /// policy, passing a powerful role to a service it can run code in
    /// (`iam:PassRole` with `ec2:RunInstances`, `lambda:CreateFunction`,
    /// `cloudformation:CreateStack`, …), creating credentials for a more
    /// powerful user, or running commands on an instance whose profile is
    /// more powerful. The finding lists the path, each step with the
    /// statement that allows it. A principal with a policy whose contents
    /// are unknown and no path found is undecidable.
    ///
    /// ## Why it matters
    /// An escalation path makes the principal an administrator in all but
    /// name: compromising the build role or the app instance is
    /// compromising the account. Reviewers see `iam:PassRole` and
    /// `lambda:CreateFunction` as two harmless lines.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role_policy" "ci" {
    ///   role   = aws_iam_role.ci.id
    ///   policy = jsonencode({ Statement = [
    ///     { Effect = "Allow", Action = "iam:PassRole", Resource = "*" },
    ///     { Effect = "Allow", Action = "lambda:CreateFunction", Resource = "*" }
    ///   ] })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role_policy" "ci" {
    ///   role   = aws_iam_role.ci.id
    ///   policy = jsonencode({ Statement = [
    ///     { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.function.arn,
    ///       Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } } },
    ///     { Effect = "Allow", Action = "lambda:CreateFunction", Resource = "*" }
    ///   ] })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Scope the step the path starts with: `iam:PassRole` to the roles
    /// meant to be passed, IAM write actions to resources that are not the
    /// principal itself, `sts:AssumeRole` to less powerful roles — or put a
    /// permissions boundary on the principal.
    pub static ESCALATION_PATH = {
        id: "CW-AWS-IAM-013",
        title: "Privilege escalation path to administrator",
        severity: High,
        category: "iam",
        resource_types: ["aws_iam_role", "aws_iam_user"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Scope the first step of the path (PassRole, IAM writes on itself, AssumeRole) or add a permissions boundary.",
        check: |ctx, report| check(ctx, report, false),
    }
}

crate::rule! {
    /// ## What it checks
    /// Which roles and users are administrators in effect: their identity
    /// policies, within their permissions boundary, allow a probe of
    /// sensitive actions across services (`iam:CreateUser`,
    /// `iam:AttachRolePolicy`, `ec2:RunInstances`, `s3:DeleteBucket`,
    /// `kms:ScheduleKeyDeletion`, `lambda:CreateFunction`,
    /// `organizations:LeaveOrganization`) on every resource — whatever
    /// policy or combination of policies grants it. CW-AWS-IAM-001 flags
    /// the policy documents; this rule flags the principals.
    ///
    /// ## Why it matters
    /// Every administrator is a standing path to the whole account; the
    /// list should be short, known, and guarded (MFA, boundaries, break-
    /// glass procedures).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role" "ci" {
    ///   managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role" "ci" {
    ///   managed_policy_arns  = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    ///   permissions_boundary = aws_iam_policy.ci_boundary.arn   # no IAM, no org
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Grant what the principal does, or bound it; keep administrators to
    /// break-glass roles.
    pub static ADMIN_EQUIVALENT = {
        id: "CW-AWS-IAM-014",
        title: "Principal is administrator-equivalent",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_iam_role", "aws_iam_user"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Grant what the principal needs, or add a permissions boundary.",
        check: |ctx, report| check(ctx, report, true),
    }
}

fn check(ctx: &Context<'_>, report: &mut Report, admins: bool) {
    for a in ctx.iam_analysis() {
        let Some(r) = ctx.graph.resource_in(&a.root, &a.address) else {
            continue;
        };
        report.checked(r);
        if admins {
            if a.admin_equivalent {
                report.fail(r, "", "its policies allow every probed sensitive action on every resource: an administrator in effect");
            } else if !a.missing.is_empty() {
                report.unknown(
                    r,
                    format!(
                        "not all of its policies can be read: {}",
                        a.missing.join("; ")
                    ),
                );
            }
            continue;
        }
        match a.escalation_paths.first() {
            Some(path) => {
                let steps: Vec<&str> = path.steps.iter().map(|s| s.action.as_str()).collect();
                let target = if path.target == "administrator" {
                    "administrator".to_string()
                } else {
                    format!("{} (an administrator)", path.target)
                };
                let finding = report.fail(
                    r,
                    "",
                    format!("can become {target} by {}", steps.join(" → ")),
                );
                for s in &path.steps {
                    if let Some(span) = s.span {
                        finding.related.push(RelatedLocation {
                            message: format!("{}: {}", s.action, s.detail),
                            span,
                        });
                    }
                }
            }
            None if !a.admin_equivalent && !a.missing.is_empty() => {
                report.unknown(
                    r,
                    format!(
                        "not all of its policies can be read: {}",
                        a.missing.join("; ")
                    ),
                );
            }
            None => {}
        }
    }
}
