use crate::check::Context;
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
    /// undecidable: the deny may or may not close the grant. A document that
    /// embeds values known only after apply (commonly the queue's own ARN) is
    /// decided on its known parts; it is undecidable only when a principal,
    /// the effect or a condition is itself unknown.
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
    ///     Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "arn:aws:sqs:eu-west-1:111122223333:jobs" }]
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
    ///       Action    = "sqs:SendMessage", Resource = "arn:aws:sqs:eu-west-1:111122223333:jobs"
    ///       Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:111122223333:jobs" } }
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
        checkov: ["CKV_AWS_168", "CKV_AWS_387"],
        trivy: [],
        kics: ["abb06e5f-ef9a-4a99-98c6-376d396bfcdf"],
        remediation: "Name the principals, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    crate::policy::report_public_grants(
        ctx,
        report,
        &["aws_sqs_queue", "aws_sqs_queue_policy"],
        "queue",
    );
}
