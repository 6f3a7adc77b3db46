//! AWS IAM (basic checks; the IAM engine evaluates policies in full).

mod admin_policy;
mod user_policies;
mod wildcard_write;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &admin_policy::IAM_ADMIN_POLICY,
        &user_policies::IAM_USER_POLICIES,
        &wildcard_write::IAM_WILDCARD_WRITE,
    ]
}
