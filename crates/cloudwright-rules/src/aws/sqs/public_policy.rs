use crate::check::{get, Context, Tri};
use crate::policy::statements;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// SQS queue policies — the `policy` of an `aws_sqs_queue` or an
    /// `aws_sqs_queue_policy` — do not allow every principal (`"*"`,
    /// `{"AWS": "*"}` or a `NotPrincipal`) unless a condition narrows the
    /// caller: `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`,
    /// a source VPC, endpoint or IP, and the like. Conditions that do not
    /// narrow the caller (`aws:SecureTransport`, tags, time) do not help.
    /// A document that also has a `Deny` for every principal is reported as
    /// undecidable: the deny may or may not close the grant. So is, for now,
    /// a document that embeds any value known only after apply (commonly
    /// the queue's own ARN): `jsonencode` and `aws_iam_policy_document` of a
    /// partly unknown value are unknown as a whole.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account can then send messages into the queue
    /// (poisoning whatever consumes it) or, with `sqs:ReceiveMessage`, read
    /// and delete them.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = aws_sqs_queue.jobs.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = aws_sqs_queue.jobs.arn }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sqs_queue_policy" "jobs" {
    ///   queue_url = aws_sqs_queue.jobs.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow", Principal = { Service = "sns.amazonaws.com" }
    ///       Action    = "sqs:SendMessage", Resource = aws_sqs_queue.jobs.arn
    ///       Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.jobs.arn } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the principals that need the queue, or keep `"*"` and add an
    /// `aws:SourceArn` / `aws:SourceAccount` / `aws:PrincipalOrgID`
    /// condition.
    pub static SQS_PUBLIC_POLICY = {
        id: "CW-AWS-SQS-002",
        title: "SQS queue policy allows everyone",
        severity: High,
        category: "iam",
        resource_types: ["aws_sqs_queue", "aws_sqs_queue_policy"],
        checkov: ["CKV_AWS_168"],
        trivy: [],
        kics: ["abb06e5f-ef9a-4a99-98c6-376d396bfcdf"],
        remediation: "Name the principals, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&["aws_sqs_queue", "aws_sqs_queue_policy"]) {
        let statements = match statements(get(r, "policy")) {
            Tri::Known(s) => s,
            // an inline policy is optional on the queue
            Tri::Absent => {
                report.checked(r);
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(r, why);
                continue;
            }
        };
        report.checked(r);
        let Some(grant) = statements.iter().find(|s| s.public_grant()) else {
            continue;
        };
        if statements.iter().any(|s| !s.allow && s.any_principal()) {
            report.unknown(
                r,
                "the policy allows every principal and also denies every principal under some condition; whether the deny closes the grant is not decided",
            );
            continue;
        }
        let what = grant
            .sid
            .as_deref()
            .map_or(String::new(), |sid| format!(" (statement {sid:?})"));
        let actions = if grant.actions.is_empty() {
            "every action but those in NotAction".to_string()
        } else {
            grant.actions.join(", ")
        };
        report.fail(
            r,
            "policy",
            format!("anyone may call {actions} on the queue{what}: the policy allows every principal with no condition on the caller"),
        );
    }
}
