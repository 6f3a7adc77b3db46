//! Remote state: where the state lives, whether it is locked and
//! encrypted, and whether a state bucket managed in the same code is
//! protected.

use super::root_span;
use crate::check::{get_bool, Context, Tri};
use crate::Report;
use cloudwright_model::{Backend, ModuleInstance, Value};

/// A backend setting: `Known(Some)` when written, `Known(None)` when the
/// block does not set it, `Unknown` for an empty (partial) backend block
/// whose settings come from `terraform init -backend-config`.
fn setting(b: &Backend, key: &str) -> Tri<Option<Value>> {
    let fields = b.config.as_object().map(|o| o.fields().len()).unwrap_or(0);
    match b.config.get(key) {
        Some(v) if v.is_unknown() => Tri::Unknown(format!("backend {key} is known only at init")),
        Some(v) => Tri::Known(Some(v)),
        None if fields == 0 => Tri::Unknown(format!(
            "the {} backend block is empty: its settings come from `terraform init -backend-config`, outside the configuration",
            b.kind
        )),
        None => Tri::Known(None),
    }
}

fn s3_roots<'g>(ctx: &Context<'g>) -> Vec<(&'g ModuleInstance, &'g Backend)> {
    ctx.managing_roots()
        .into_iter()
        .filter_map(|m| {
            m.terraform
                .backend
                .as_ref()
                .filter(|b| b.kind == "s3")
                .map(|b| (m, b))
        })
        .collect()
}

crate::rule! {
    /// ## What it checks
    /// Every root module that manages resources keeps its state remotely:
    /// a `backend` other than `local` (S3, `remote`, `gcs`, `azurerm`,
    /// `http`, …) or a `cloud {}` block. Reusable modules (called from
    /// elsewhere) are not checked; plans and state files are skipped, and
    /// so are Terraform Stacks deployments (HCP Terraform keeps their
    /// state).
    ///
    /// ## Why it matters
    /// Local state lives on one laptop or CI runner: it is lost with the
    /// disk, cannot be shared or locked, holds every secret Terraform
    /// knows in plain text, and two people applying from two copies corrupt
    /// the infrastructure's record of itself.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   required_version = "~> 1.9"
    /// }
    /// resource "aws_s3_bucket" "assets" { bucket = "assets" }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "shop/prod.tfstate"
    ///     region       = "eu-west-1"
    ///     encrypt      = true
    ///     use_lockfile = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a remote backend (S3 with `use_lockfile = true` and `encrypt =
    /// true`, or HCP Terraform) and run `terraform init -migrate-state`.
    pub static NO_REMOTE_STATE = {
        id: "CW-TF-STATE-001",
        title: "Root module keeps its state locally",
        severity: High,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Configure a remote backend (S3 with locking and encryption, or HCP Terraform).",
        check: |ctx, report| {
            for m in ctx.managing_roots() {
                // (HCP Terraform keeps a Stack deployment's state)
                if m.terraform.cloud.is_some() || m.stack_deployment.is_some() {
                    continue;
                }
                let message = match &m.terraform.backend {
                    None => "no backend: the state is a local file (terraform.tfstate) on whoever runs apply",
                    Some(b) if b.kind == "local" => "the local backend keeps the state in a file on whoever runs apply",
                    Some(_) => continue,
                };
                report.fail_at(&m.root_dir, "terraform", "terraform", "backend", root_span(ctx.graph, m), message);
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// An S3 backend locks the state: `use_lockfile = true` (S3 native
    /// locking, Terraform 1.10+) or a `dynamodb_table`. An empty backend
    /// block (settings given at `terraform init -backend-config`) is
    /// undecidable.
    ///
    /// ## Why it matters
    /// Without a lock two applies run at once — a developer and CI, two
    /// pipelines — and the second overwrites the first's state: resources
    /// drop out of Terraform's knowledge or get created twice.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket = "acme-terraform-state"
    ///     key    = "shop/prod.tfstate"
    ///     region = "eu-west-1"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "shop/prod.tfstate"
    ///     region       = "eu-west-1"
    ///     use_lockfile = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `use_lockfile = true` (or `dynamodb_table` on Terraform older
    /// than 1.10).
    pub static NO_LOCKING = {
        id: "CW-TF-STATE-002",
        title: "S3 backend without state locking",
        severity: High,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set use_lockfile = true (or dynamodb_table) in the S3 backend.",
        check: |ctx, report| {
            for (m, b) in s3_roots(ctx) {
                let lockfile = setting(b, "use_lockfile");
                let table = setting(b, "dynamodb_table");
                match (lockfile, table) {
                    (Tri::Known(Some(v)), _) if v.strip().as_bool() == Some(true) => {}
                    (_, Tri::Known(Some(v))) if v.strip().as_str().is_some_and(|s| !s.is_empty()) => {}
                    (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown_at("terraform.backend.s3", why),
                    _ => {
                        report.fail_at(&m.root_dir, "terraform.backend.s3", "terraform", "use_lockfile", Some(b.span), "the S3 backend has neither use_lockfile = true nor a dynamodb_table: concurrent applies overwrite each other's state");
                    }
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// An S3 backend sets `encrypt = true`, so the state object is written
    /// with server-side encryption requested by Terraform (and a
    /// `kms_key_id` can make it a customer-managed key). An empty backend
    /// block is undecidable. OpenTofu's client-side state encryption (an
    /// `encryption` block whose `state` names a `method`) passes: the state
    /// is encrypted before it reaches the bucket.
    ///
    /// ## Why it matters
    /// State holds every attribute Terraform knows — database passwords,
    /// private keys, tokens — in plain text. Buckets are encrypted by
    /// default since 2023, but `encrypt = true` keeps that true whatever
    /// the bucket's settings, and it is what auditors look for.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "shop/prod.tfstate"
    ///     use_lockfile = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" {
    ///     bucket       = "acme-terraform-state"
    ///     key          = "shop/prod.tfstate"
    ///     use_lockfile = true
    ///     encrypt      = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encrypt = true` (and `kms_key_id` for a customer-managed key).
    pub static STATE_NOT_ENCRYPTED = {
        id: "CW-TF-STATE-003",
        title: "S3 backend does not request encryption",
        severity: Medium,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set encrypt = true in the S3 backend.",
        check: |ctx, report| {
            for (m, b) in s3_roots(ctx) {
                if m.terraform.state_encryption.is_some() {
                    // OpenTofu encrypts the state before the backend sees it
                    continue;
                }
                match setting(b, "encrypt") {
                    Tri::Known(Some(v)) if v.strip().as_bool() == Some(true) => {}
                    Tri::Unknown(why) => report.unknown_at("terraform.backend.s3", why),
                    _ => {
                        report.fail_at(&m.root_dir, "terraform.backend.s3", "terraform", "encrypt", Some(b.span), "the S3 backend does not set encrypt = true: the state (with every secret in it) is not written encrypted by request");
                    }
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// When the S3 bucket an S3 backend names is managed in the same
    /// configuration, it is versioned (`aws_s3_bucket_versioning` with
    /// status `Enabled`, or an inline `versioning` block) and fully blocks
    /// public access (an `aws_s3_bucket_public_access_block` with all four
    /// settings). Encryption is not checked here: S3 encrypts every new
    /// object by default, and CW-TF-STATE-003 covers the backend side.
    ///
    /// ## Why it matters
    /// Versioning is the undo button for a corrupted or deleted state; a
    /// public state bucket publishes every secret in every state file.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   backend "s3" { bucket = "acme-terraform-state" }
    /// }
    /// resource "aws_s3_bucket" "state" { bucket = "acme-terraform-state" }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_versioning" "state" {
    ///   bucket = aws_s3_bucket.state.id
    ///   versioning_configuration { status = "Enabled" }
    /// }
    /// resource "aws_s3_bucket_public_access_block" "state" {
    ///   bucket                  = aws_s3_bucket.state.id
    ///   block_public_acls       = true
    ///   block_public_policy     = true
    ///   ignore_public_acls      = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Version the state bucket and block all public access to it.
    pub static STATE_BUCKET_UNPROTECTED = {
        id: "CW-TF-STATE-004",
        title: "State bucket managed here is not versioned or not private",
        severity: High,
        category: "iac",
        resource_types: ["aws_s3_bucket"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Enable versioning and a full public access block on the state bucket.",
        check: check_state_bucket,
    }
}

fn check_state_bucket(ctx: &Context<'_>, report: &mut Report) {
    // each state bucket once (every root of an organisation names the same)
    let names: std::collections::BTreeSet<String> = ctx
        .graph
        .modules
        .iter()
        .filter_map(|m| m.terraform.backend.as_ref())
        .filter(|b| b.kind == "s3")
        .filter_map(|b| {
            b.config
                .get("bucket")
                .and_then(|v| v.as_str().map(str::to_string))
        })
        .collect();
    if names.is_empty() {
        return;
    }
    // a bucket whose name the code does not determine may be a state
    // bucket no bucket is known to be
    let known: std::collections::HashSet<String> = ctx
        .resources(&["aws_s3_bucket"])
        .filter_map(|b| match crate::check::get_str(b, "bucket") {
            Tri::Known(k) => Some(k),
            _ => None,
        })
        .collect();
    let unmatched: Vec<&str> = names
        .iter()
        .filter(|n| !known.contains(*n))
        .map(String::as_str)
        .collect();
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        let name = match crate::check::get_str(bucket, "bucket") {
            Tri::Known(n) => n,
            Tri::Unknown(why) => {
                // a name known in part rules out the names it cannot be
                let value = bucket.get("bucket").unwrap_or_default();
                let maybe: Vec<&str> = unmatched
                    .iter()
                    .copied()
                    .filter(|n| value.equals(&cloudwright_model::Value::string(*n)) != Some(false))
                    .collect();
                if !maybe.is_empty() {
                    report.checked(bucket);
                    let state = maybe.join(", ");
                    report.unknown(
                        bucket,
                        format!("its name is {why}: it may be the state bucket {state}"),
                    );
                }
                continue;
            }
            _ => continue,
        };
        if !names.contains(&name) {
            continue;
        }
        report.checked(bucket);
        let mut missing = Vec::new();
        // versioning: inline or companion
        let inline = get_bool(bucket, "versioning.0.enabled");
        let versioned = match inline {
            Tri::Known(true) => Tri::Known(true),
            Tri::Unknown(w) => Tri::Unknown(w),
            _ => match crate::aws::s3::bucket_companions(ctx, bucket, "aws_s3_bucket_versioning") {
                Tri::Known(c) => {
                    let mut any = Tri::Known(false);
                    for v in c {
                        match crate::check::get_str(v, "versioning_configuration.0.status") {
                            Tri::Known(s) if s == "Enabled" => any = Tri::Known(true),
                            Tri::Unknown(w) => any = Tri::Unknown(w),
                            _ => {}
                        }
                    }
                    any
                }
                Tri::Absent => Tri::Known(false),
                Tri::Unknown(w) => Tri::Unknown(w),
            },
        };
        match versioned {
            Tri::Known(true) => {}
            Tri::Unknown(w) => {
                report.unknown(bucket, w);
                continue;
            }
            _ => missing.push("versioning"),
        }
        let blocked = match crate::aws::s3::bucket_companions(
            ctx,
            bucket,
            "aws_s3_bucket_public_access_block",
        ) {
            Tri::Known(c) => {
                let mut full = Tri::Known(false);
                for b in c {
                    match crate::aws::s3::public_access_block::missing_settings(b) {
                        Ok(m) if m.is_empty() => full = Tri::Known(true),
                        Ok(_) => {}
                        Err(w) => full = Tri::Unknown(w),
                    }
                }
                full
            }
            Tri::Absent => Tri::Known(false),
            Tri::Unknown(w) => Tri::Unknown(w),
        };
        match blocked {
            Tri::Known(true) => {}
            Tri::Unknown(w) => {
                report.unknown(bucket, w);
                continue;
            }
            _ => missing.push("a full public access block"),
        }
        if !missing.is_empty() {
            report.fail(
                bucket,
                "",
                format!(
                    "`{name}` holds Terraform state (an S3 backend names it) but has no {}",
                    missing.join(" and no ")
                ),
            );
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// No two root modules of the scan keep their state in the same place:
    /// the same S3 bucket and key (in the same workspace), GCS prefix,
    /// Azure container and key, local path or HCP Terraform workspace. A
    /// backend configured in part is placed by what `terraform init`
    /// recorded in `.terraform/terraform.tfstate`; one whose place the code
    /// does not say is undecidable when the scan has another root. Each
    /// root of such a pair fails, naming the other.
    ///
    /// ## Why it matters
    /// One state holds one configuration. A root copied from another with
    /// its backend block unchanged writes over the other's state: its next
    /// plan proposes to destroy everything the other root created (not in
    /// its configuration), and whichever applies last leaves the other's
    /// resources unmanaged or gone. No linter that reads one root at a time
    /// can see it.
    ///
    /// ## Failing example
    /// ```hcl
    /// # live/prod/network/main.tf
    /// terraform {
    ///   backend "s3" { bucket = "acme-terraform-state", key = "prod/terraform.tfstate" }
    /// }
    /// # live/prod/app/main.tf — copied, key left as it was
    /// terraform {
    ///   backend "s3" { bucket = "acme-terraform-state", key = "prod/terraform.tfstate" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// # live/prod/app/main.tf
    /// terraform {
    ///   backend "s3" { bucket = "acme-terraform-state", key = "prod/app/terraform.tfstate" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give each root its own key (or prefix, path, workspace), and move
    /// the state of the root that was written over with `terraform state
    /// pull` / `push` or by importing its resources.
    pub static SHARED_STATE = {
        id: "CW-TF-STATE-005",
        title: "Two root modules keep their state in one place",
        severity: High,
        category: "iac",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Give each root module its own backend key (or prefix, path, workspace).",
        check: check_shared_state,
    }
}

fn check_shared_state(ctx: &Context<'_>, report: &mut Report) {
    let roots = ctx.managing_roots();
    // place → the roots that keep their state there, in root order
    let mut by_place: std::collections::BTreeMap<&str, Vec<&ModuleInstance>> = Default::default();
    for m in &roots {
        let remote = m.terraform.backend.is_some() || m.terraform.cloud.is_some();
        match &m.state {
            Some(place) => by_place.entry(place).or_default().push(m),
            // (with another root to share it with: where this one's is
            // decides)
            None if remote && roots.len() > 1 => report.unknown_at(
                "terraform.backend",
                format!(
                    "where {} keeps its state is not in the code (a backend configured at `terraform init`, not initialised here, or known only at init): it may be another root's",
                    m.root_dir
                ),
            ),
            None => {}
        }
    }
    for (place, roots) in by_place.into_iter().filter(|(_, roots)| roots.len() > 1) {
        for m in &roots {
            let others: Vec<&str> = roots
                .iter()
                .filter(|o| o.root_dir != m.root_dir)
                .map(|o| o.root_dir.as_str())
                .collect();
            let span = root_span(ctx.graph, m);
            let finding = report.fail_at(
                &m.root_dir,
                "terraform.backend",
                "terraform",
                "backend",
                span,
                format!(
                    "its state is where {} keeps its own ({place}): each apply writes over the other's state, and each plan proposes to destroy what the other created",
                    others.join(", ")
                ),
            );
            for other in roots.iter().filter(|o| o.root_dir != m.root_dir) {
                if let Some(span) = root_span(ctx.graph, other) {
                    finding.related.push(cloudwright_model::RelatedLocation {
                        message: format!("{}: the same state", other.root_dir),
                        span,
                    });
                }
            }
        }
    }
}
