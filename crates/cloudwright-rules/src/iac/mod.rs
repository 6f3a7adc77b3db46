//! How the infrastructure code itself is run: remote state with locking
//! and encryption, pinned Terraform, providers and modules, no machine- or
//! account-specific literals, shared modules used where the team has them.
//! These rules read the module facts of the model (`terraform {}`,
//! `provider` and `module` blocks), not only resources.

mod pinning;
mod state;
mod tags;

use crate::Rule;
use cloudwright_model::{Graph, ModuleInstance, Span};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &state::NO_REMOTE_STATE,
        &state::NO_LOCKING,
        &state::STATE_NOT_ENCRYPTED,
        &state::STATE_BUCKET_UNPROTECTED,
        &state::SHARED_STATE,
        &pinning::TERRAFORM_VERSION,
        &pinning::PROVIDER_VERSION,
        &pinning::MODULE_VERSION,
        &pinning::PROVIDER_PROFILE_PATH,
        &pinning::LITERAL_ACCOUNT,
        &pinning::SHARED_MODULE,
        &tags::TAGS_REQUIRED,
        &tags::TAG_VALUES,
    ]
}

/// Root module instances that manage resources (plans and state files
/// have no `terraform {}` block to judge and are skipped).
/// As indices into `graph.modules`; the rules read them through
/// `Context::managing_roots`, which finds them once per run.
pub(crate) fn managing_root_indices(graph: &Graph) -> Vec<usize> {
    // one pass over the resources: the roots that manage something
    let mut managing: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for r in &graph.resources {
        if r.mode == cloudwright_model::Mode::Managed
            && matches!(r.origin, cloudwright_model::Origin::Configuration)
        {
            managing.insert(&r.root);
        }
    }
    graph
        .modules
        .iter()
        .enumerate()
        .filter(|(_, m)| m.address.is_empty() && managing.contains(m.root_dir.as_str()))
        .map(|(i, _)| i)
        .collect()
}

/// Where to point a finding about a root module as a whole: its
/// `terraform {}` block when it has one, else its first managed resource.
pub(crate) fn root_span(graph: &Graph, m: &ModuleInstance) -> Option<Span> {
    m.terraform
        .backend
        .as_ref()
        .map(|b| b.span)
        .or(m.terraform.required_version.as_ref().map(|(_, s)| *s))
        .or_else(|| m.terraform.required_providers.first().map(|p| p.span))
        .or_else(|| {
            graph
                .resources
                .iter()
                .find(|r| *r.root == *m.root_dir && r.mode == cloudwright_model::Mode::Managed)
                .and_then(|r| r.span)
        })
}
