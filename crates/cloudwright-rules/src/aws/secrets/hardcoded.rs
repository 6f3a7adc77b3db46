use crate::check::Context;
use crate::Report;
use cloudwright_model::{Origin, Resource, Value, ValueSource, VariableOrigin};

crate::rule! {
    /// ## What it checks
    /// Secrets are not written in the configuration: password, token and
    /// secret arguments (`password`, `master_password`, `auth_token`,
    /// `secret_string`, anything named `*_password`, `*_secret`, `*_token`,
    /// and their write-only forms such as `password_wo`, whose value stays
    /// out of the state but not out of the code) whose value is known before apply — written literally, or coming from
    /// a variable default or a `.tfvars` file — and any argument holding an
    /// AWS access key id or a PEM private key. Values that come from
    /// `random_password`, a secrets manager data source, or a variable with
    /// no value in the code are unknown here, and pass. A plan or a state
    /// file read without its configuration beside it holds every value
    /// Terraform was given, whatever its source: a secret in it is
    /// undecidable (where it was written is not known), not a finding.
    ///
    /// ## Why it matters
    /// Whatever is in the repository is in every clone, fork, CI log and
    /// backup of it, forever (git history). `sensitive = true` only hides a
    /// value from Terraform's output; it does not make it secret.
    ///
    /// Cloudwright never prints the secret: findings name the attribute and
    /// where the value was written.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   password = "Sup3rS3cret!"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   manage_master_user_password = true   # RDS keeps it in Secrets Manager
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Let the service manage the secret (`manage_master_user_password`), or
    /// generate it (`random_password`) and store it in Secrets Manager; rotate
    /// the exposed one.
    pub static HARDCODED_SECRET = {
        id: "CW-AWS-SECRETS-001",
        title: "Secret written in the configuration",
        severity: High,
        category: "secrets",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Generate the secret (random_password) or let the service manage it; never commit it. Rotate the exposed value.",
        check: check,
    }
}

pub(crate) fn secret_argument(name: &str) -> bool {
    // a write-only argument (Terraform 1.11's `password_wo`) keeps its
    // value out of the state, not out of the configuration
    let name = name.strip_suffix("_wo").unwrap_or(name);
    const EXACT: &[&str] = &[
        "password",
        "master_password",
        "admin_password",
        "auth_token",
        "secret_string",
        "secret",
        "token",
        "api_key",
        "private_key",
        "client_secret",
    ];
    EXACT.contains(&name)
        || name.ends_with("_password")
        || name.ends_with("_secret")
        || name.ends_with("_token")
}

/// Where the value was written, for the message.
fn written_in(r: &Resource, attribute: &str, graph: &cloudwright_model::Graph) -> String {
    for source in r.provenance.get(attribute).into_iter().flatten() {
        if let ValueSource::Variable { name, set_by, .. } = &**source {
            return match set_by {
                VariableOrigin::File { path, span } => match span {
                    Some(s) => format!("in {path}:{} (variable `{name}`)", s.line),
                    None => format!("in {path} (variable `{name}`)"),
                },
                VariableOrigin::Default(s) => format!(
                    "as the default of variable `{name}` ({}:{})",
                    graph.sources.get(s.file).display_path,
                    s.line
                ),
                VariableOrigin::CommandLine
                | VariableOrigin::Environment
                | VariableOrigin::Plan => return String::new(),
                _ => continue,
            };
        }
    }
    "literally in the resource".to_string()
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx
        .graph
        .resources
        .iter()
        .filter(|r| r.mode == cloudwright_model::Mode::Managed)
    {
        let Some(obj) = r.attributes.as_object() else {
            continue;
        };
        for (name, value) in obj.fields().iter() {
            let text = match value.strip() {
                Value::String(s) if !s.is_empty() => &**s,
                Value::Unknown(_) => {
                    if secret_argument(name) {
                        report.checked(r);
                    }
                    continue;
                }
                _ => continue,
            };
            let kind = if crate::aws::secrets::looks_like_access_key(text) {
                "an AWS access key id"
            } else if crate::aws::secrets::looks_like_private_key(text) {
                "a private key"
            } else if secret_argument(name) {
                "a secret"
            } else {
                continue;
            };
            report.checked(r);
            // (a plan's resource placed by its configuration has that
            // block's attribute spans; one placed only in the plan's JSON
            // has none)
            if r.origin != Origin::Configuration && r.attribute_spans.is_empty() {
                // a plan or a state holds every value Terraform was given,
                // from wherever it came; without the configuration beside
                // it, where is not known
                let read = match r.origin {
                    Origin::State => "a state file",
                    _ => "a plan",
                };
                report.unknown(
                    r,
                    format!("`{name}` holds {kind} read from {read}: whether it is written in the configuration is not known without the configuration beside it"),
                );
                continue;
            }
            let place = written_in(r, name, ctx.graph);
            // values given on the command line or in the environment are not in the code
            if place.is_empty() {
                continue;
            }
            let finding = report.fail(r, name, format!("`{name}` holds {kind} written {place}"));
            for e in &mut finding.evidence {
                e.value = e.value.clone().sensitive();
            }
        }
    }
}
