use crate::check::{get, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Permissions are not given to IAM users directly: no
    /// `aws_iam_user_policy` (inline), no `aws_iam_user_policy_attachment`,
    /// and no `aws_iam_policy_attachment` with `users`.
    ///
    /// ## Why it matters
    /// Permissions attached to individual users drift: people change teams,
    /// leave, and keep what they had. Granting through groups (or, better,
    /// roles assumed through SSO) keeps access reviewable in one place — the
    /// CIS AWS Foundations Benchmark asks for it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_user_policy_attachment" "alice" {
    ///   user       = aws_iam_user.alice.name
    ///   policy_arn = aws_iam_policy.deploy.arn
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_group_policy_attachment" "deployers" {
    ///   group      = aws_iam_group.deployers.name
    ///   policy_arn = aws_iam_policy.deploy.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Attach the policy to a group (or a role) and add the user to it.
    pub static IAM_USER_POLICIES = {
        id: "CW-AWS-IAM-002",
        title: "IAM policy attached directly to a user",
        severity: Low,
        category: "iam",
        resource_types: ["aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_policy_attachment"],
        checkov: ["CKV_AWS_40"],
        trivy: [],
        kics: ["b4378389-a9aa-44ee-91e7-ef183f11079e"],
        remediation: "Attach policies to groups or roles, not to users.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&["aws_iam_user_policy", "aws_iam_user_policy_attachment"]) {
        report.checked(r);
        let what = if r.resource_type == "aws_iam_user_policy" {
            "an inline policy"
        } else {
            "a managed policy"
        };
        report.fail(r, "user", format!("{what} is given to a user directly"));
    }
    for r in ctx.resources(&["aws_iam_policy_attachment"]) {
        report.checked(r);
        match get(r, "users") {
            Tri::Known(users) if users.as_list().is_some_and(|l| !l.is_empty()) => {
                report.fail(r, "users", "the policy is attached to users directly");
            }
            Tri::Unknown(why) => report.unknown(r, why),
            _ => {}
        }
    }
}
