//! Pinned versions (Terraform, providers, modules) and literals that tie
//! the code to one machine or one account.

use super::root_span;
use crate::check::Context;
use crate::Report;
use cloudwright_model::{Value, ValueSource};
use std::collections::BTreeSet;

/// Does a version constraint have an upper bound (`~>`, `<`, `<=`, an
/// exact version)? `>= 1.5` alone lets the next major version in.
pub fn bounded(constraint: &str) -> bool {
    constraint.split(',').map(str::trim).any(|part| {
        let op: String = part
            .chars()
            .take_while(|c| matches!(c, '~' | '>' | '<' | '=' | '!'))
            .collect();
        matches!(op.as_str(), "~>" | "<" | "<=" | "=" | "")
            && part.chars().any(|c| c.is_ascii_digit())
    })
}

crate::rule! {
    /// ## What it checks
    /// Every root module that manages resources sets `required_version` in
    /// its `terraform {}` block with an upper bound (`~> 1.9`, `>= 1.9,
    /// < 2.0`, or an exact version).
    ///
    /// ## Why it matters
    /// Without it, whichever Terraform a developer or CI runner has
    /// installed applies the code — and may upgrade the state format so the
    /// others can no longer read it. An open `>=` lets a future major
    /// version in unreviewed.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   required_version = ">= 1.5"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// terraform {
    ///   required_version = "~> 1.9"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Pin the minor series (`~> 1.9`) and upgrade deliberately.
    pub static TERRAFORM_VERSION = {
        id: "CW-TF-PIN-001",
        title: "Terraform version not pinned",
        severity: Low,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set required_version = \"~> 1.x\" in the root module.",
        check: |ctx, report| {
            for m in ctx.managing_roots() {
                match &m.terraform.required_version {
                    None => {
                        report.fail_at(&m.root_dir, "terraform", "terraform", "required_version", root_span(ctx.graph, m), "no required_version: any Terraform release may apply this code and upgrade its state");
                    }
                    Some((v, span)) if !bounded(v) => {
                        report.fail_at(&m.root_dir, "terraform", "terraform", "required_version", Some(*span), format!("required_version = {v:?} has no upper bound: the next major release is accepted unreviewed"));
                    }
                    Some(_) => {}
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Every provider a root module's resources use has a version
    /// constraint with an upper bound in a `required_providers` block of
    /// that root (or of the module that uses it): no entry without
    /// `version`, no provider used without an entry (Terraform then
    /// assumes `hashicorp/<name>` at its latest version), no open `>=`.
    ///
    /// ## Why it matters
    /// Provider major versions change defaults and remove arguments (the
    /// AWS provider v4 split of `aws_s3_bucket`, v6 flipping Redshift's
    /// public default). Unpinned, the next `terraform init` upgrades them
    /// under a plan nobody reviewed; the lock file helps only if it is
    /// committed and never re-initialised with `-upgrade`.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   required_providers {
    ///     aws = { source = "hashicorp/aws" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// terraform {
    ///   required_providers {
    ///     aws = { source = "hashicorp/aws", version = "~> 5.70" }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Declare every provider with `source` and a `~>` constraint, and
    /// commit `.terraform.lock.hcl`.
    pub static PROVIDER_VERSION = {
        id: "CW-TF-PIN-002",
        title: "Provider without a bounded version constraint",
        severity: Medium,
        category: "iac",
        resource_types: [],
        checkov: ["CKV_TF_3"],
        trivy: [],
        kics: [],
        remediation: "Add version = \"~> X.Y\" for every provider in required_providers.",
        check: check_providers,
    }
}

fn check_providers(ctx: &Context<'_>, report: &mut Report) {
    let graph = ctx.graph;
    // providers used per root, in one pass
    let mut used_by_root: std::collections::HashMap<&str, BTreeSet<&str>> =
        std::collections::HashMap::new();
    for r in &graph.resources {
        let name = r.provider.name.as_str();
        if !name.is_empty() && name != "terraform" {
            used_by_root.entry(&r.root).or_default().insert(name);
        }
    }
    let mut modules_by_root: std::collections::HashMap<
        &str,
        Vec<&cloudwright_model::ModuleInstance>,
    > = std::collections::HashMap::new();
    for m in &graph.modules {
        modules_by_root
            .entry(m.root_dir.as_str())
            .or_default()
            .push(m);
    }
    for root in ctx.managing_roots() {
        let tree = modules_by_root
            .get(root.root_dir.as_str())
            .cloned()
            .unwrap_or_default();
        let mut declared: BTreeSet<String> = BTreeSet::new();
        let mut seen_spans = BTreeSet::new();
        for m in &tree {
            for p in &m.terraform.required_providers {
                declared.insert(p.name.clone());
                if !seen_spans.insert((p.span.file, p.span.line, p.span.column)) {
                    continue;
                }
                // (the module's code, whichever instance is met first: a
                // key added before it moves nothing)
                let at = if m.address.is_empty() {
                    format!("terraform.required_providers.{}", p.name)
                } else {
                    let module = cloudwright_model::without_instance_keys(&m.address);
                    format!("{module}.terraform.required_providers.{}", p.name)
                };
                match &p.version {
                    None => {
                        report.fail_at(
                            &m.root_dir,
                            &at,
                            "terraform",
                            "version",
                            Some(p.span),
                            format!("provider `{}` has no version constraint", p.name),
                        );
                    }
                    // reusable modules state minimums; the root bounds them
                    Some(v) if m.address.is_empty() && !bounded(v) => {
                        report.fail_at(
                            &m.root_dir,
                            &at,
                            "terraform",
                            "version",
                            Some(p.span),
                            format!(
                                "provider `{}` is constrained by {v:?}, with no upper bound",
                                p.name
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
        let used = used_by_root
            .get(root.root_dir.as_str())
            .cloned()
            .unwrap_or_default();
        for name in used {
            if !declared.contains(name) {
                report.fail_at(
                    &root.root_dir,
                    &format!("terraform.required_providers.{name}"),
                    "terraform",
                    "required_providers",
                    root_span(graph, root),
                    format!("provider `{name}` is used but not declared in required_providers: the latest hashicorp/{name} is installed"),
                );
            }
        }
    }
}

/// How a module source pins its version: `Ok(())`, or why not; `None` for
/// sources that carry no version (local paths, archives).
fn module_pin(source: &str, version: Option<&str>) -> Option<Result<(), String>> {
    if source.starts_with("./") || source.starts_with("../") || source.starts_with('/') {
        return None;
    }
    let git = source.starts_with("git::")
        || source.starts_with("git@")
        || source.starts_with("github.com/")
        || source.starts_with("bitbucket.org/");
    if git {
        let reference = source
            .split_once("?ref=")
            .or_else(|| source.split_once("&ref="))
            .map(|(_, r)| r.split('&').next().unwrap_or(r));
        return Some(match reference {
            None => Err("has no ?ref=: it follows the default branch".into()),
            Some(r) if is_tag_or_commit(r) => Ok(()),
            Some(r) => Err(format!(
                "pins ref={r}, which reads as a branch, not a tag or commit"
            )),
        });
    }
    if source.contains("::") || source.starts_with("http") || source.starts_with("s3") {
        return None;
    }
    // a registry address: [host/]namespace/name/provider
    let parts = source
        .split("//")
        .next()
        .unwrap_or(source)
        .split('/')
        .count();
    if !(3..=4).contains(&parts) {
        return None;
    }
    Some(match version {
        None => Err("has no version: every init takes the latest release".into()),
        Some(v) if !bounded(v) => Err(format!("is constrained by {v:?}, with no upper bound")),
        Some(_) => Ok(()),
    })
}

/// Whether a Terragrunt unit's `terraform { source }` is pinned: `None`
/// for a local path or a source of another kind (an archive, S3).
fn terragrunt_pin(source: &str) -> Option<Result<(), String>> {
    if let Some(registry) = source.strip_prefix("tfr://") {
        let version = registry
            .split_once("?version=")
            .or_else(|| registry.split_once("&version="))
            .map(|(_, v)| v.split('&').next().unwrap_or(v));
        return Some(match version {
            None => Err("has no ?version=: every run takes the latest release".into()),
            Some(_) => Ok(()),
        });
    }
    // a git repository by URL (go-getter's detection: `.git`, GitHub)
    let repository = source.split("//").take(2).collect::<Vec<_>>().join("//");
    let git_url = (source.starts_with("https://") || source.starts_with("ssh://"))
        && (repository.contains(".git") || source.contains("github.com/"));
    match git_url {
        true => module_pin(&format!("git::{source}"), None),
        false => module_pin(source, None),
    }
}

/// `v1.2.3`, `1.2`, `release-1.4` with digits, or a commit hash.
fn is_tag_or_commit(r: &str) -> bool {
    let hex = r.len() >= 7 && r.len() <= 40 && r.chars().all(|c| c.is_ascii_hexdigit());
    let semver = r
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .next()
        .is_some_and(|major| !major.is_empty() && major.chars().all(|c| c.is_ascii_digit()));
    hex || semver
}

crate::rule! {
    /// ## What it checks
    /// Modules called from the registry have a `version` with an upper
    /// bound; modules from git pin a tag or a commit (`?ref=v1.4.2`,
    /// `?ref=<sha>`), not a branch (`?ref=main`) or nothing. Local paths
    /// and archives are not checked. So is the module a Terragrunt unit
    /// deploys (`terraform { source }`): a git source (`git::…`,
    /// `https://…/repo.git//path`) pins a tag or a commit, a registry one
    /// (`tfr:///…`) a `?version=`.
    ///
    /// ## Why it matters
    /// An unpinned module changes under you: the next `terraform init`
    /// pulls whatever was pushed last, and the plan mixes your change with
    /// someone else's. A branch name is not a pin — it moves.
    ///
    /// ## Failing example
    /// ```hcl
    /// module "vpc" {
    ///   source = "terraform-aws-modules/vpc/aws"
    /// }
    /// module "net" {
    ///   source = "git::https://github.com/acme/tf-net.git?ref=main"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// module "vpc" {
    ///   source  = "terraform-aws-modules/vpc/aws"
    ///   version = "~> 5.13"
    /// }
    /// module "net" {
    ///   source = "git::https://github.com/acme/tf-net.git?ref=v2.3.1"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Pin registry modules with `~>` and git modules to a release tag or
    /// commit; let Renovate or Dependabot propose upgrades.
    pub static MODULE_VERSION = {
        id: "CW-TF-PIN-003",
        title: "Module source not pinned",
        severity: Medium,
        category: "supply-chain",
        resource_types: [],
        checkov: ["CKV_TF_1", "CKV_TF_2"],
        trivy: [],
        kics: [],
        remediation: "Pin registry modules with version = \"~> X.Y\" and git modules with ?ref=<tag or commit>.",
        check: |ctx, report| {
            let mut seen = BTreeSet::new();
            for m in &ctx.graph.modules {
                if let Some((source, span)) = &m.terragrunt_source {
                    if let Some(Err(why)) = terragrunt_pin(source) {
                        report.fail_at(&m.root_dir, "terraform", "terraform", "source", Some(*span), format!("the unit's {source:?} {why}"));
                    }
                }
                for call in &m.module_calls {
                    if !seen.insert((call.span.file, call.span.line, call.span.column)) {
                        continue;
                    }
                    let Some(Err(why)) = module_pin(&call.source, call.version.as_deref()) else {
                        continue;
                    };
                    let address = if m.address.is_empty() {
                        format!("module.{}", call.name)
                    } else {
                        let module = cloudwright_model::without_instance_keys(&m.address);
                        format!("{module}.module.{}", call.name)
                    };
                    report.fail_at(&m.root_dir, &address, "module", "source", Some(call.span), format!("{:?} {why}", call.source));
                }
            }
        },
    }
}

/// Paths that belong to one machine.
fn machine_path(p: &str) -> bool {
    p.starts_with("~/")
        || p.starts_with("/home/")
        || p.starts_with("/Users/")
        || p.starts_with("/root/")
        || p.contains(":\\Users\\")
        || p.contains(":/Users/")
}

crate::rule! {
    /// ## What it checks
    /// AWS provider blocks do not point at files on one machine:
    /// `shared_credentials_files`, `shared_config_files` (and the older
    /// `shared_credentials_file`) with home-directory paths. Literal keys
    /// are CW-AWS-SECRETS-002.
    ///
    /// ## Why it matters
    /// The code then runs only on that laptop: CI fails, or worse, picks up
    /// a different profile with the same name. Credentials belong to the
    /// environment that runs Terraform, not to the code.
    ///
    /// ## Failing example
    /// ```hcl
    /// provider "aws" {
    ///   shared_credentials_files = ["/Users/alice/.aws/credentials"]
    ///   profile                  = "prod-admin"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// provider "aws" {
    ///   region = var.region   # credentials from the environment, SSO or OIDC
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove the file paths; set `AWS_PROFILE` or use SSO/OIDC where
    /// Terraform runs.
    pub static PROVIDER_PROFILE_PATH = {
        id: "CW-TF-PROVIDER-001",
        title: "Provider reads credentials from a path on one machine",
        severity: Low,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Drop shared_credentials_files/shared_config_files; configure credentials in the environment.",
        check: |ctx, report| {
            for m in &ctx.graph.modules {
                for p in m.providers.iter().filter(|p| p.name == "aws") {
                    let address = match &p.alias {
                        Some(a) => format!("provider.aws.{a}"),
                        None => "provider.aws".to_string(),
                    };
                    for key in ["shared_credentials_files", "shared_config_files", "shared_credentials_file"] {
                        let Some(v) = p.attributes.get(key) else { continue };
                        let any_unknown = v.is_unknown()
                            || v.as_list().is_some_and(|items| items.iter().any(Value::is_unknown));
                        if any_unknown {
                            report.unknown_at(&address, format!("{key} is {}", v.why_unknown()));
                            continue;
                        }
                        let paths: Vec<String> = match v.strip() {
                            Value::List(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
                            other => other.as_str().map(str::to_string).into_iter().collect(),
                        };
                        if let Some(path) = paths.iter().find(|p| machine_path(p)) {
                            report.fail_at(&m.root_dir, &address, "provider", key, Some(p.span), format!("{key} points at {path:?}, a file on one machine"));
                        }
                    }
                }
            }
        },
    }
}

/// Account ids and regions written into ARNs of a value.
fn literal_arns(v: &Value, out: &mut Vec<(String, String)>) {
    if let Some(doc) = v.json_document() {
        return literal_arns(&doc, out);
    }
    match v.strip() {
        // most strings have no colon at all: a byte search rules them out
        // before the substring search
        Value::String(s) if s.contains(':') => {
            let mut rest: &str = s;
            while let Some(at) = rest.find("arn:aws") {
                let arn = &rest[at..];
                let end = arn
                    .find(|c: char| c == '"' || c.is_whitespace() || c == ',')
                    .unwrap_or(arn.len());
                let parts: Vec<&str> = arn[..end].splitn(6, ':').collect();
                if parts.len() == 6 {
                    let account = parts[4];
                    if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) {
                        out.push((account.to_string(), parts[3].to_string()));
                    }
                }
                rest = &arn[end.min(arn.len())..];
                if end == 0 {
                    break;
                }
            }
        }
        Value::List(items) => items.iter().for_each(|i| literal_arns(i, out)),
        Value::Map(o) => o.fields().iter().for_each(|(_, i)| literal_arns(i, out)),
        _ => {}
    }
}

crate::rule! {
    /// ## What it checks
    /// Resource arguments written literally (no variable, local or module
    /// output in their provenance) do not embed account ids in ARNs
    /// (`arn:aws:iam::123456789012:role/deploy`). Values built from
    /// `data.aws_caller_identity`, `data.aws_partition`, variables or
    /// locals pass, and so do accounts the provider supplies
    /// (`data.aws_elb_service_account`). Informational.
    ///
    /// ## Why it matters
    /// The same code is meant to build dev, staging and production, often
    /// in different accounts; a literal account id makes every environment
    /// point at one of them — usually production — and breaks the day an
    /// account is split.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   role = "arn:aws:iam::123456789012:role/api"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// data "aws_caller_identity" "current" {}
    /// resource "aws_lambda_function" "api" {
    ///   role = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/api"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Build ARNs from `data.aws_caller_identity`, `data.aws_region` and
    /// `data.aws_partition`, or refer to the resource (`aws_iam_role.api.arn`).
    pub static LITERAL_ACCOUNT = {
        id: "CW-TF-LITERAL-001",
        title: "Hard-coded account id in an ARN",
        severity: Info,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Build the ARN from data.aws_caller_identity / a variable, or reference the resource.",
        check: check_literals,
    }
}

fn check_literals(ctx: &Context<'_>, report: &mut Report) {
    // accounts the provider supplies (Elastic Load Balancing's log
    // delivery account of a Region) are read, not written
    let supplied: std::collections::HashSet<String> = ctx
        .graph
        .resources
        .iter()
        .filter(|r| {
            r.mode == cloudwright_model::Mode::Data
                && r.resource_type.as_str() == "aws_elb_service_account"
        })
        .filter_map(|r| r.get("id").and_then(|id| id.as_str().map(str::to_string)))
        .collect();
    for r in ctx.graph.resources.iter().filter(|r| {
        r.mode == cloudwright_model::Mode::Managed
            && matches!(r.origin, cloudwright_model::Origin::Configuration)
    }) {
        let Some(obj) = r.attributes.as_object() else {
            continue;
        };
        for (name, value) in obj.fields().iter() {
            let derived = r
                .provenance
                .get(name)
                .is_some_and(|s: &Vec<std::sync::Arc<ValueSource>>| !s.is_empty());
            if derived {
                continue;
            }
            let mut found = Vec::new();
            literal_arns(value, &mut found);
            found.retain(|(account, _)| !supplied.contains(account.as_str()));
            if let Some((account, region)) = found.first() {
                let region = if region.is_empty() {
                    String::new()
                } else {
                    format!(" (and region {region})")
                };
                report.fail(
                    r,
                    name,
                    format!("`{name}` hard-codes account {account}{region} in an ARN"),
                );
                break;
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Resources of the types the team provides a shared module for are
    /// created through that module, not declared directly in a root
    /// module. The list comes from `cloudwright.toml`:
    ///
    /// ```toml
    /// [iac.shared_modules]
    /// aws_vpc = "git::https://github.com/acme/tf-modules.git//vpc?ref=v3.2.0"
    /// ```
    ///
    /// Without that section the rule reports nothing. Informational.
    ///
    /// ## Why it matters
    /// The shared module carries the organisation's decisions (flow logs,
    /// tagging, NAT layout); a hand-written VPC drifts from them and gets
    /// none of the module's fixes.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }   # in a root module
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// module "network" {
    ///   source = "git::https://github.com/acme/tf-modules.git//vpc?ref=v3.2.0"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Replace the resources with a call to the shared module (`moved`
    /// blocks keep the state).
    pub static SHARED_MODULE = {
        id: "CW-TF-MODULE-001",
        title: "Resource declared directly where a shared module exists",
        severity: Info,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use the team's shared module for this resource type.",
        check: |ctx, report| {
            let shared = &ctx.settings.shared_modules;
            if shared.is_empty() {
                return;
            }
            for r in ctx.graph.resources.iter().filter(|r| r.mode == cloudwright_model::Mode::Managed && r.module.is_empty()) {
                if let Some((_, module)) = shared.iter().find(|(t, _)| *t == r.resource_type) {
                    report.checked(r);
                    report.fail(r, "", format!("{} is declared directly; the team's shared module for it is {module:?}", r.resource_type));
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_and_sources() {
        assert!(bounded("~> 1.9"));
        assert!(bounded(">= 1.5, < 2.0"));
        assert!(bounded("1.9.5"));
        assert!(!bounded(">= 1.5"));
        assert!(!bounded("> 0"));
        assert_eq!(module_pin("./modules/x", None), None);
        assert!(module_pin("terraform-aws-modules/vpc/aws", None)
            .unwrap()
            .is_err());
        assert!(module_pin("terraform-aws-modules/vpc/aws", Some("~> 5.0"))
            .unwrap()
            .is_ok());
        assert!(module_pin("app.terraform.io/acme/vpc/aws", Some(">= 5.0"))
            .unwrap()
            .is_err());
        assert!(module_pin("git::https://github.com/a/b.git?ref=main", None)
            .unwrap()
            .is_err());
        assert!(
            module_pin("git::https://github.com/a/b.git?ref=v1.2.0", None)
                .unwrap()
                .is_ok()
        );
        assert!(module_pin("github.com/a/b?ref=3f2a9c1", None)
            .unwrap()
            .is_ok());
        assert!(module_pin("git::ssh://git@github.com/a/b.git", None)
            .unwrap()
            .is_err());
        assert_eq!(module_pin("s3::https://bucket/x.zip", None), None);
    }
}
