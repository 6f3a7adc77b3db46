use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// KMS key policies (`aws_kms_key.policy`) do not allow every principal
    /// (`"*"`, `{"AWS": "*"}` or a `NotPrincipal`) unless a condition
    /// narrows the caller — `kms:CallerAccount`, `aws:PrincipalOrgID`,
    /// `aws:PrincipalAccount`, a source VPC endpoint, and the like (the
    /// pattern of AWS's own service keys: `"*"` with `kms:CallerAccount`
    /// and `kms:ViaService`). A key without a `policy` gets the default key
    /// policy, which trusts only its own account, and passes. A document
    /// that also has a `Deny` for every principal is reported as
    /// undecidable. One that embeds values known only after apply is
    /// decided on its known parts.
    ///
    /// ## Why it matters
    /// A key policy is the only gate in front of a KMS key; opened to every
    /// principal, anyone with an AWS account can use the key to decrypt
    /// what it protects — or, with administrative actions, schedule its
    /// deletion and destroy the data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Grant the account root (`arn:aws:iam::ACCOUNT:root`) and let IAM
    /// policies delegate, or keep `"*"` with a `kms:CallerAccount` /
    /// `aws:PrincipalOrgID` condition.
    pub static KMS_PUBLIC_POLICY = {
        id: "CW-AWS-KMS-002",
        title: "KMS key policy allows everyone",
        severity: Critical,
        category: "iam",
        resource_types: ["aws_kms_key"],
        checkov: ["CKV_AWS_33"],
        trivy: [],
        kics: [],
        remediation: "Grant the account root and delegate through IAM, or add a kms:CallerAccount / aws:PrincipalOrgID condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    crate::policy::report_public_grants(ctx, report, &["aws_kms_key"], "key");
}
