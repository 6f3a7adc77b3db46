use crate::check::{get, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No IAM policy written in the configuration allows every action on
    /// every resource (`"Action": "*"` with `"Resource": "*"`), or every
    /// action but a few (`NotAction` with `Allow` on `*`); and no role, user
    /// or group gets the AWS-managed `AdministratorAccess` policy attached.
    /// Policies are read wherever Terraform holds them — `aws_iam_policy`,
    /// `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`,
    /// inline `inline_policy` blocks — whether written with `jsonencode`, a
    /// heredoc or `aws_iam_policy_document`.
    ///
    /// ## Why it matters
    /// Full administrative power lets the holder do anything, including
    /// removing the logs of what it did. Least privilege is the first control
    /// a review asks about; admin access belongs to a break-glass role with
    /// MFA, not to workloads.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_policy" "ci" {
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_policy" "ci" {
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = ["ecr:PutImage"], Resource = aws_ecr_repository.app.arn }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Grant the actions and resources the principal needs; keep full admin
    /// for a break-glass role protected by MFA.
    pub static IAM_ADMIN_POLICY = {
        id: "CW-AWS-IAM-001",
        title: "IAM policy grants full administrative access",
        severity: Critical,
        category: "iam",
        resource_types: ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"],
        checkov: ["CKV_AWS_62", "CKV_AWS_274"],
        trivy: ["AVD-AWS-0057", "aws-iam-no-policy-wildcards"],
        kics: ["2f37c4a3-58b9-4afe-8a87-d7f1d2286f84", "575a2155-6af1-4026-b1af-d5bc8fe2a904"],
        remediation: "Replace the wildcard with the actions and resources needed.",
        check: check,
    }
}

const ADMIN_ARN_SUFFIX: &str = ":iam::aws:policy/AdministratorAccess";

fn check_document(report: &mut Report, doc: &super::PolicyDocument<'_>) {
    let (r, attribute) = (doc.resource, doc.attribute.as_str());
    match &doc.statements {
        Tri::Known(list) => {
            let mut undecided = None;
            for st in list {
                // could an unknown part make this statement an admin grant?
                let could_allow = st.allow || st.has_unknown("Effect");
                let could_all_actions =
                    st.all_actions() || !st.not_actions.is_empty() || st.has_unknown("Action");
                let could_all_resources = st.may_be_all_resources();
                if could_allow && could_all_actions && could_all_resources {
                    if let Some(why) =
                        st.unknown_reason(&["Effect", "Action", "NotAction", "Resource"])
                    {
                        undecided.get_or_insert(why);
                        continue;
                    }
                }
                if !st.allow {
                    continue;
                }
                let condition = if st.has_condition() {
                    " (under a condition)"
                } else {
                    ""
                };
                if st.all_actions() && st.all_resources() {
                    report.fail(
                        r,
                        attribute,
                        format!("a statement allows every action on every resource{condition}"),
                    );
                    return;
                }
                if !st.not_actions.is_empty() && st.all_resources() {
                    report.fail(r, attribute, format!("a statement allows every action except {} on every resource{condition}", st.not_actions.join(", ")));
                    return;
                }
            }
            if let Some(why) = undecided {
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
    for role in ctx.resources(&["aws_iam_role"]) {
        report.checked(role);
        match get(role, "managed_policy_arns") {
            Tri::Known(arns) => {
                let arns = arns.as_list().unwrap_or_default();
                if arns
                    .iter()
                    .any(|a| a.as_str().is_some_and(|s| s.ends_with(ADMIN_ARN_SUFFIX)))
                {
                    report.fail(
                        role,
                        "managed_policy_arns",
                        "the role has the AWS-managed AdministratorAccess policy",
                    );
                } else if let Some(a) = arns.iter().find(|a| a.is_unknown()) {
                    report.unknown(role, format!("a managed policy ARN is {}", a.why_unknown()));
                }
            }
            Tri::Unknown(why) => report.unknown(role, format!("managed_policy_arns is {why}")),
            Tri::Absent => {}
        }
    }
    for a in ctx.resources(&[
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
    ]) {
        report.checked(a);
        match get_str(a, "policy_arn") {
            Tri::Known(arn) if arn.ends_with(ADMIN_ARN_SUFFIX) => {
                report.fail(
                    a,
                    "policy_arn",
                    "attaches the AWS-managed AdministratorAccess policy",
                );
            }
            Tri::Unknown(why) => report.unknown(a, why),
            _ => {}
        }
    }
}
