//! Provider defaults that changed between major versions (the AWS provider
//! v6 made Redshift clusters private by default, for instance). A rule asks
//! which side of such a change the configuration is on, from the
//! `required_providers` constraints of the modules under its root.

use crate::check::{Context, Tri};
use cloudwright_model::Resource;

use cloudwright_model::version::allowed_range;

/// Is the provider that `r`'s root will use at major version `major` or
/// later? Known when every version the constraints allow is on one side.
pub fn provider_at_least(ctx: &Context<'_>, r: &Resource, provider: &str, major: u64) -> Tri<bool> {
    let constraints = ctx.graph.required_provider_versions(&r.root, provider);
    let undecided = || {
        Tri::Unknown(format!(
            "the default differs before and after {provider} provider v{major}.0, and the \
             configuration's version constraints allow both"
        ))
    };
    if constraints.is_empty() {
        return Tri::Unknown(format!(
            "the default differs before and after {provider} provider v{major}.0, and no \
             required_providers constraint says which is used"
        ));
    }
    match allowed_range(&constraints) {
        Some((low, _)) if low >= (major, 0, 0) => Tri::Known(true),
        Some((_, Some(high))) if high <= (major, 0, 0) => Tri::Known(false),
        _ => undecided(),
    }
}
