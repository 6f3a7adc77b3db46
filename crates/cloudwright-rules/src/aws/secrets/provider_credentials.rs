use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// AWS provider blocks do not hold credentials: no literal `access_key`,
    /// `secret_key` or `token`.
    ///
    /// ## Why it matters
    /// Long-lived keys in code end up in every clone and CI log. The provider
    /// reads credentials from the environment, a profile, SSO, or an assumed
    /// role (`assume_role`, OIDC in CI) — none of which need a key in the
    /// repository.
    ///
    /// ## Failing example
    /// ```hcl
    /// provider "aws" {
    ///   access_key = "AKIAIOSFODNN7EXAMPLE"
    ///   secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// provider "aws" {
    ///   region = "eu-west-1"
    ///   assume_role {
    ///     role_arn = "arn:aws:iam::123456789012:role/terraform"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove the keys from the provider, deactivate and rotate them, and
    /// authenticate through the environment, SSO or OIDC.
    pub static PROVIDER_CREDENTIALS = {
        id: "CW-AWS-SECRETS-002",
        title: "AWS credentials in the provider configuration",
        severity: Critical,
        category: "secrets",
        resource_types: [],
        checkov: ["CKV_AWS_41"],
        trivy: [],
        kics: [],
        remediation: "Remove access_key/secret_key from the provider; use the environment, SSO, assume_role or OIDC.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for module in &ctx.graph.modules {
        for provider in module.providers.iter().filter(|p| p.name == "aws") {
            let address = match (&module.address, &provider.alias) {
                (m, Some(a)) if !m.is_empty() => format!("{m}.provider.aws.{a}"),
                (m, None) if !m.is_empty() => format!("{m}.provider.aws"),
                (_, Some(a)) => format!("provider.aws.{a}"),
                _ => "provider.aws".to_string(),
            };
            let written: Vec<&str> = ["access_key", "secret_key", "token"]
                .into_iter()
                .filter(|k| {
                    provider
                        .attributes
                        .get(k)
                        .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
                })
                .collect();
            if !written.is_empty() {
                report.fail_at(
                    &module.root_dir,
                    &address,
                    "provider",
                    written[0],
                    Some(provider.span),
                    format!("the provider holds {}", written.join(" and ")),
                );
            }
        }
    }
}
