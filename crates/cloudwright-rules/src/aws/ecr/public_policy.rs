use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// ECR repository policies (`aws_ecr_repository_policy`) do not allow
    /// every principal (`"*"`, `{"AWS": "*"}` or a `NotPrincipal`) unless a
    /// condition narrows the caller (`aws:PrincipalOrgID`,
    /// `aws:SourceAccount`, a source VPC endpoint, …). ECR Public
    /// repositories, which exist to be public, are not checked. A document
    /// that also has a `Deny` for every principal is reported as
    /// undecidable. A document that embeds values known only after apply is
    /// decided on its known parts.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account can then pull the images — code, baked-in
    /// configuration and sometimes secrets — and, with push actions in the
    /// grant, replace them with their own: a supply-chain compromise of
    /// everything that deploys from the repository.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecr_repository_policy" "app" {
    ///   repository = aws_ecr_repository.app.name
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = "*", Action = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecr_repository_policy" "app" {
    ///   repository = aws_ecr_repository.app.name
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow", Principal = "*"
    ///       Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    ///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the accounts or roles that pull from the repository, or keep
    /// `"*"` and add an `aws:PrincipalOrgID` condition.
    pub static ECR_PUBLIC_POLICY = {
        id: "CW-AWS-ECR-003",
        title: "ECR repository policy allows everyone",
        severity: High,
        category: "supply-chain",
        resource_types: ["aws_ecr_repository_policy"],
        checkov: ["CKV_AWS_32"],
        trivy: ["AVD-AWS-0032", "aws-ecr-no-public-access"],
        kics: ["e86e26fc-489e-44f0-9bcd-97305e4ba69a"],
        remediation: "Name the principals, or add an aws:PrincipalOrgID condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    crate::policy::report_public_grants(ctx, report, &["aws_ecr_repository_policy"], "repository");
}
