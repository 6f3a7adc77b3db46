use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// SNS topic policies — the `policy` of an `aws_sns_topic` or an
    /// `aws_sns_topic_policy` — do not allow every principal (`"*"`,
    /// `{"AWS": "*"}` or a `NotPrincipal`) unless a condition narrows the
    /// caller: `aws:SourceArn`, `aws:SourceAccount`, `aws:PrincipalOrgID`,
    /// a source VPC, endpoint or IP, and the like. Conditions that do not
    /// narrow the caller (`aws:SecureTransport`, tags, time) do not help.
    /// A document that also has a `Deny` for every principal is reported as
    /// undecidable. A document that embeds values known only after apply
    /// (commonly the topic's own ARN) is decided on its known parts.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account can then publish to the topic — reaching
    /// every subscriber, e-mail and SMS included — or subscribe an endpoint
    /// of their own and receive every message.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sns_topic_policy" "alerts" {
    ///   arn = aws_sns_topic.alerts.arn
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sns:Subscribe", Resource = "arn:aws:sns:eu-west-1:111122223333:alerts" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sns_topic_policy" "alerts" {
    ///   arn = aws_sns_topic.alerts.arn
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow", Principal = { Service = "cloudwatch.amazonaws.com" }
    ///       Action    = "sns:Publish", Resource = "arn:aws:sns:eu-west-1:111122223333:alerts"
    ///       Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the principals that need the topic, or keep `"*"` and add an
    /// `aws:SourceArn` / `aws:SourceAccount` / `aws:PrincipalOrgID`
    /// condition.
    pub static SNS_PUBLIC_POLICY = {
        id: "CW-AWS-SNS-002",
        title: "SNS topic policy allows everyone",
        severity: High,
        category: "iam",
        resource_types: ["aws_sns_topic", "aws_sns_topic_policy"],
        checkov: ["CKV_AWS_169"],
        trivy: [],
        kics: ["b26d2b7e-60f6-413d-a3a1-a57db24aa2b3"],
        remediation: "Name the principals, or add an aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    crate::policy::report_public_grants(
        ctx,
        report,
        &["aws_sns_topic", "aws_sns_topic_policy"],
        "topic",
    );
}
