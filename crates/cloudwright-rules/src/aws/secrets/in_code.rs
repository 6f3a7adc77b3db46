//! Secrets written where no resource rule looks: variable defaults and
//! tfvars values, outputs, and `locals` blocks. Values are never printed.

use super::secret_literal;
use crate::check::Context;
use crate::Report;
use cloudwright_model::{Value, ValueSource, VariableOrigin};

/// The first string leaf of a value holding a secret, with its key (`name`
/// for a plain string), depth first; nothing is copied but the key found.
fn first_secret(name: &str, v: &Value) -> Option<(String, &'static str)> {
    match v.strip() {
        Value::String(s) => secret_literal(name, s).map(|kind| (name.to_string(), kind)),
        Value::List(items) => items.iter().find_map(|i| first_secret(name, i)),
        Value::Map(obj) => obj
            .fields()
            .iter()
            .find_map(|(k, val)| first_secret(k, val)),
        _ => None,
    }
}

fn check_variables(ctx: &Context<'_>, report: &mut Report) {
    let mut seen = std::collections::HashSet::new();
    // variables that flow into a password-like resource argument are
    // reported there, by CW-AWS-SECRETS-001, with the same location:
    // (root, module address, variable name), gathered in one pass
    let mut reported_by_resources: std::collections::HashSet<(&str, &str, &str)> =
        std::collections::HashSet::new();
    for r in &ctx.graph.resources {
        for (attr, sources) in r.provenance.iter() {
            if !super::hardcoded::secret_argument(attr) {
                continue;
            }
            for source in sources {
                if let ValueSource::Variable { name, .. } = &**source {
                    reported_by_resources.insert((&*r.root, r.module.as_str(), &**name));
                }
            }
        }
    }
    for module in &ctx.graph.modules {
        for var in &module.variables {
            if reported_by_resources.contains(&(
                module.root_dir.as_str(),
                module.address.as_str(),
                &*var.name,
            )) {
                continue;
            }
            let (place, span) = match &var.set_by {
                VariableOrigin::Default(span) => ("its default".to_string(), Some(*span)),
                VariableOrigin::File { path, span } => (format!("{path}"), *span),
                // command line, environment, module inputs: not a literal here
                _ => continue,
            };
            let Some((key, kind)) = first_secret(&var.name, &var.value) else {
                continue;
            };
            // a shared module's default is reported once, not per instance
            if !seen.insert((span.map(|s| (s.file, s.start)), var.name.clone())) {
                continue;
            }
            // (named without instance keys: the module's code, whichever
            // instance comes first)
            let address = if module.address.is_empty() {
                format!("var.{}", var.name)
            } else {
                let module = cloudwright_model::without_instance_keys(&module.address);
                format!("{module}.var.{}", var.name)
            };
            let what = if *key == *var.name {
                String::new()
            } else {
                format!(" (`{key}`)")
            };
            report.fail_at(
                &module.root_dir,
                &address,
                "variable",
                "",
                span.or(Some(var.span)),
                format!(
                    "variable `{}` gets {kind}{what} written in {place} (value not shown)",
                    var.name
                ),
            );
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Variables do not receive secrets written in the code: a `default` or
    /// a committed `.tfvars` value that is an AWS access key, a private key,
    /// a well-known token (GitHub, GitLab, Slack, Stripe, Google, npm), or —
    /// for a variable (or object key) named like a password, token or key —
    /// a literal that is not a placeholder or low-entropy word. Values given
    /// with `--var` or `TF_VAR_*` are not in the code and are not reported.
    /// Values are never printed.
    ///
    /// ## Why it matters
    /// A default or tfvars file is committed with the code: the secret is in
    /// every clone, fork, CI log and backup of the repository, forever in
    /// its history. `sensitive = true` hides it from plan output, not from
    /// git.
    ///
    /// ## Failing example
    /// ```hcl
    /// variable "db_password" {
    ///   type      = string
    ///   sensitive = true
    ///   default   = "Xk2#pq9!LmZ4"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// variable "db_password" {
    ///   type      = string
    ///   sensitive = true
    /// }
    /// # supplied at apply time: TF_VAR_db_password from the CI secret store
    /// ```
    ///
    /// ## How to fix
    /// Remove the default (or the tfvars entry), supply the value from a
    /// secret store at apply time, or better, let the service manage it
    /// (`manage_master_user_password`, `random_password`). Rotate the
    /// exposed value and purge it from git history.
    pub static VARIABLE_SECRETS = {
        id: "CW-AWS-SECRETS-003",
        title: "Secret written in a variable default or tfvars file",
        severity: High,
        category: "secrets",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Remove the literal; supply secrets at apply time from a secret store, and rotate the exposed value.",
        check: check_variables,
    }
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|m| upper.contains(m))
        && !["_ARN", "_NAME", "_ID", "_PATH"]
            .iter()
            .any(|p| upper.ends_with(p))
}

fn check_outputs(ctx: &Context<'_>, report: &mut Report) {
    for module in ctx.graph.modules.iter().filter(|m| m.address.is_empty()) {
        for output in module.outputs.iter().filter(|o| !o.sensitive) {
            if output.value.is_null() {
                continue;
            }
            let finding = match first_secret(&output.name, &output.value) {
                Some((_, kind)) => Some(format!(
                    "output `{}` shows {kind} in plan and apply output (value not shown)",
                    output.name
                )),
                None if secret_name(&output.name) => Some(format!(
                    "output `{}` is named like a secret but is not marked sensitive",
                    output.name
                )),
                None => None,
            };
            if let Some(message) = finding {
                report.fail_at(
                    &module.root_dir,
                    &format!("output.{}", output.name),
                    "output",
                    "",
                    Some(output.span),
                    message,
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Root module outputs that hold secrets are marked `sensitive = true`:
    /// an output whose value is a recognised key or token, or whose name
    /// says password, secret, token, private key, API key or credential
    /// (not `…_arn`, `…_name`, `…_id`, `…_path`). Outputs of values already
    /// sensitive are refused by Terraform itself and need no rule.
    ///
    /// ## Why it matters
    /// Root outputs are printed after every apply — into CI logs that many
    /// people can read — and returned by `terraform output` to anyone with
    /// state access.
    ///
    /// ## Failing example
    /// ```hcl
    /// output "api_token" {
    ///   value = local.api_token
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// output "api_token" {
    ///   value     = local.api_token
    ///   sensitive = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `sensitive = true`, or better, stop passing the secret through
    /// outputs: store it in Secrets Manager and output its ARN.
    pub static OUTPUT_SECRETS = {
        id: "CW-AWS-SECRETS-004",
        title: "Output exposes a secret without sensitive = true",
        severity: Medium,
        category: "secrets",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Mark the output sensitive = true, or output the secret's ARN instead.",
        check: check_outputs,
    }
}

/// `name = "literal"` assignments inside top-level `locals { … }` blocks of
/// an HCL file: (name, value, byte offset of the value).
fn local_literals(text: &str) -> Vec<(&str, &str, usize)> {
    let mut out = Vec::new();
    // most files have no locals: one search instead of the walk below
    if !text.contains("locals") {
        return out;
    }
    let mut depth = 0usize;
    let mut in_locals = false;
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        if depth == 0
            && (trimmed.starts_with("locals {")
                || trimmed == "locals{"
                || trimmed.starts_with("locals{"))
        {
            in_locals = true;
        }
        if in_locals && depth >= 1 {
            if let Some((name, rest)) = trimmed.split_once('=') {
                let name = name.trim();
                let rest = rest.trim().trim_end_matches(',');
                if !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'"')
                    && rest.len() >= 2
                    && rest.starts_with('"')
                    && rest.ends_with('"')
                    && !rest.contains("${")
                {
                    let value = &rest[1..rest.len() - 1];
                    let at = start + line.find(rest).unwrap_or(0) + 1;
                    out.push((name.trim_matches('"'), value, at));
                }
            }
        }
        // braces outside strings (bytes: every byte of a multi-byte
        // character is none of these and ends an escape, as the character
        // would)
        let mut in_string = false;
        let mut escaped = false;
        for b in line.bytes() {
            match b {
                b'\\' if in_string => escaped = !escaped,
                b'"' if !escaped => in_string = !in_string,
                b'{' if !in_string => depth += 1,
                b'}' if !in_string => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        in_locals = false;
                    }
                }
                _ => escaped = false,
            }
            if b != b'\\' {
                escaped = false;
            }
        }
    }
    out
}

fn check_locals(ctx: &Context<'_>, report: &mut Report) {
    // module directory → the root module of its first instance, found once
    let mut roots: std::collections::HashMap<&str, &str> = Default::default();
    for m in &ctx.graph.modules {
        roots.entry(m.dir.as_str()).or_insert(m.root_dir.as_str());
    }
    for (id, file) in ctx.graph.sources.files() {
        if !(file.display_path.ends_with(".tf") || file.display_path.ends_with(".tofu")) {
            continue;
        }
        let literals = local_literals(&file.text);
        if literals.is_empty() {
            continue;
        }
        let dir = std::path::Path::new(&file.display_path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let root = roots
            .get(if dir.is_empty() { "." } else { dir.as_str() })
            .map(|r| r.to_string())
            .unwrap_or_default();
        for (name, value, at) in literals {
            if let Some(kind) = secret_literal(name, value) {
                let span = file.span(id, at as u32, (at + value.len()) as u32);
                report.fail_at(
                    &root,
                    &format!("local.{name}"),
                    "locals",
                    "",
                    Some(span),
                    format!(
                        "local `{name}` holds {kind} written in {} (value not shown)",
                        file.display_path
                    ),
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// `locals` blocks do not hold secrets as literal strings: a quoted
    /// value that is an AWS access key, a private key or a well-known token,
    /// or a non-placeholder, high-entropy literal assigned to a local named
    /// like a password, token or key. (Heredocs and `.tf.json` files are not
    /// read by this rule.) Values are never printed.
    ///
    /// ## Why it matters
    /// A local is code: the secret is committed, in every clone and in the
    /// repository history, and flows into whatever resources use it.
    ///
    /// ## Failing example
    /// ```hcl
    /// locals {
    ///   slack_token = "xoxb-1234567890-abcdefghijklmnop"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// data "aws_secretsmanager_secret_version" "slack" {
    ///   secret_id = "prod/slack"
    /// }
    /// locals {
    ///   slack_token = data.aws_secretsmanager_secret_version.slack.secret_string
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Read the secret from Secrets Manager or SSM at apply time (or better,
    /// at run time in the workload); rotate the exposed value.
    pub static LOCAL_SECRETS = {
        id: "CW-AWS-SECRETS-005",
        title: "Secret written in a locals block",
        severity: High,
        category: "secrets",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Read the secret from a secret store instead of a literal; rotate the exposed value.",
        check: check_locals,
    }
}

#[cfg(test)]
mod tests {
    use super::local_literals;

    /// (name, value) of each literal found.
    fn literals(text: &str) -> Vec<(&str, &str)> {
        local_literals(text)
            .into_iter()
            .map(|(n, v, _)| (n, v))
            .collect()
    }

    #[test]
    fn finds_literals_in_locals_only() {
        let text = "variable \"x\" { default = \"a\" }\nlocals {\n  token = \"abc\"\n  name  = \"${var.x}\"\n  nested = {\n    key = \"v\"\n  }\n}\nresource \"r\" \"n\" {\n  password = \"p\"\n}\n";
        assert_eq!(literals(text), [("token", "abc"), ("key", "v")]);
    }

    #[test]
    fn braces_in_strings_and_non_ascii_text_do_not_end_the_block() {
        let text = "locals {\n  msg = \"é{ \\\"}\"\n  token = \"abc\"\n}\nresource \"r\" \"n\" {\n  x = \"y\"\n}\n";
        assert_eq!(literals(text), [("msg", "é{ \\\"}"), ("token", "abc")]);
        assert!(literals("resource \"r\" \"n\" {\n  token = \"abc\"\n}\n").is_empty());
    }
}
