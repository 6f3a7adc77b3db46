//! AWS IAM (basic checks; the IAM engine evaluates policies in full).

mod account;
mod admin_policy;
mod escalation;
mod trust;
mod user_policies;
mod wildcard_write;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &admin_policy::IAM_ADMIN_POLICY,
        &user_policies::IAM_USER_POLICIES,
        &wildcard_write::IAM_WILDCARD_WRITE,
        &account::PASSWORD_LENGTH,
        &account::PASSWORD_COMPLEXITY,
        &account::PASSWORD_REUSE,
        &account::ACCESS_KEY,
        &account::LOGIN_PROFILE,
        &account::IAM_FULL_ACCESS_POLICY,
        &trust::TRUST_ANY_PRINCIPAL,
        &trust::TRUST_CROSS_ACCOUNT,
        &trust::ALLOW_NOT_ACTION,
        &trust::TRUST_WEB_IDENTITY_SUBJECT,
        &wildcard_write::IAM_SERVICE_WILDCARD,
        &escalation::ESCALATION_PATH,
        &escalation::ADMIN_EQUIVALENT,
    ]
}

/// Where a policy document is written: the resource, the dotted path to
/// read it at, the attribute path a finding points at, and its statements.
pub(crate) struct PolicyDocument<'g> {
    pub resource: &'g cloudwright_model::Resource,
    pub attribute: String,
    pub statements: crate::check::Tri<Vec<crate::policy::Statement>>,
}

/// Every identity policy document written in the configuration: the
/// `policy` of `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`
/// and `aws_iam_group_policy`, and each `inline_policy` of `aws_iam_role`.
/// Read through [`crate::check::Context::policy_documents`], which keeps
/// them for the run.
/// The resources a statement names, as people read them, for a finding's
/// message (`NotResource` statements: the resources not in it).
pub(crate) fn resources_shown(st: &cloudwright_iam::document::Statement) -> String {
    if st.resources.is_empty() {
        return "the resources not in NotResource".to_string();
    }
    st.resources
        .iter()
        .map(|r| cloudwright_iam::document::shown(r).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn policy_documents<'g>(ctx: &crate::check::Context<'g>) -> Vec<PolicyDocument<'g>> {
    use crate::check::get_statements;
    let mut out = Vec::new();
    for r in ctx.resources(&[
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_user_policy",
        "aws_iam_group_policy",
    ]) {
        out.push(PolicyDocument {
            resource: r,
            attribute: "policy".into(),
            statements: get_statements(r, "policy"),
        });
    }
    for role in ctx.resources(&["aws_iam_role"]) {
        match crate::check::count(role, "inline_policy") {
            crate::check::Tri::Known(n) => {
                for i in 0..n {
                    out.push(PolicyDocument {
                        resource: role,
                        attribute: format!("inline_policy[{i}].policy"),
                        statements: get_statements(role, &format!("inline_policy.{i}.policy")),
                    });
                }
            }
            // blocks the code does not determine: documents not known
            crate::check::Tri::Unknown(why) => out.push(PolicyDocument {
                resource: role,
                attribute: "inline_policy".into(),
                statements: crate::check::Tri::Unknown(format!("`inline_policy` blocks are {why}")),
            }),
            crate::check::Tri::Absent => {}
        }
    }
    out
}
