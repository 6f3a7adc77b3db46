//! Role trust policies (who may assume a role) and `NotAction` grants.

use crate::check::{get_document, get_statements, Context, Tri};
use crate::policy::{statements, Statement};
use crate::Report;
use cloudwright_iam::document::{is_unknown, shown};
use cloudwright_model::value::unknown_reason;
use cloudwright_model::Value;

/// Does a statement allow assuming the role (`sts:AssumeRole*`, `sts:*`, `*`)?
fn allows_assume(st: &Statement) -> bool {
    st.actions.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == "*" || a == "sts:*" || a.starts_with("sts:assumerole")
    })
}

fn check_any_principal(ctx: &Context<'_>, report: &mut Report) {
    for role in ctx.resources(&["aws_iam_role"]) {
        report.checked(role);
        let list = match get_statements(role, "assume_role_policy") {
            Tri::Known(list) => list,
            Tri::Unknown(why) => {
                report.unknown(role, why);
                continue;
            }
            Tri::Absent => continue,
        };
        let mut undecided = None;
        let mut failed = false;
        for st in list
            .iter()
            .filter(|s| allows_assume(s) || s.has_unknown("Action"))
        {
            match st.public_grant() {
                Tri::Known(true) if allows_assume(st) => {
                    report.fail(role, "assume_role_policy", "any AWS principal in any account may assume the role: the trust policy names \"*\" with no condition on the caller");
                    failed = true;
                    break;
                }
                Tri::Known(true) | Tri::Unknown(_) => {
                    undecided.get_or_insert_with(|| {
                        st.unknown_reason(&["Principal", "Effect", "Action", "Condition"])
                            .unwrap_or_else(|| {
                                format!("a part of the trust policy is {}", unknown_reason(false))
                            })
                    });
                }
                _ => {}
            }
        }
        if !failed {
            if let Some(why) = undecided {
                report.unknown(role, why);
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Role trust policies (`assume_role_policy`) do not let every AWS
    /// principal assume the role: an `Allow` of `sts:AssumeRole` to `"*"` or
    /// `{"AWS": "*"}` fails unless a condition restricts the caller
    /// (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceAccount`,
    /// …). `sts:ExternalId` alone does not restrict who can try.
    ///
    /// ## Why it matters
    /// Anyone with an AWS account — which is anyone — can then take the
    /// role's permissions.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role" "shared" {
    ///   name = "shared"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "*" }
    ///       Action    = "sts:AssumeRole"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role" "shared" {
    ///   name = "shared"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "*" }
    ///       Action    = "sts:AssumeRole"
    ///       Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the accounts or roles that may assume it, or restrict `"*"` to
    /// your organization with `aws:PrincipalOrgID`.
    pub static TRUST_ANY_PRINCIPAL = {
        id: "CW-AWS-IAM-010",
        title: "IAM role assumable by any AWS principal",
        severity: Critical,
        category: "iam",
        resource_types: ["aws_iam_role"],
        checkov: ["CKV_AWS_60"],
        trivy: [],
        kics: [],
        remediation: "Restrict the trust policy's Principal, or add an aws:PrincipalOrgID condition.",
        check: check_any_principal,
    }
}

/// The account id of a principal (`123456789012`, `arn:aws:iam::123456789012:root`,
/// a role or user ARN).
fn principal_account(id: &str) -> Option<&str> {
    let account = if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        id
    } else {
        let rest = id.strip_prefix("arn:")?;
        let mut parts = rest.splitn(5, ':');
        let _partition = parts.next()?;
        if parts.next()? != "iam" {
            return None;
        }
        let _region = parts.next()?;
        parts.next()?
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Accounts the configuration says are its own: the AWS providers'
/// `allowed_account_ids` and the accounts of their `assume_role` ARNs.
fn own_accounts(ctx: &Context<'_>, root: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in ctx.graph.modules.iter().filter(|m| m.root_dir == root) {
        for p in m.providers.iter().filter(|p| p.name == "aws") {
            if let Some(ids) = p
                .attributes
                .get("allowed_account_ids")
                .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            {
                out.extend(ids.iter().filter_map(|v| v.as_str().map(str::to_string)));
            }
            if let Some(arn) = p
                .attributes
                .get("assume_role")
                .and_then(|v| v.as_list().and_then(|l| l.first().cloned()))
                .and_then(|b| b.get("role_arn"))
            {
                if let Some(acct) = arn.as_str().and_then(principal_account) {
                    out.push(acct.to_string());
                }
            }
        }
    }
    out
}

/// Is every unknown principal in a trust document the caller's own
/// account (`data.aws_caller_identity…`)?
fn unknown_principals_are_own_account(doc: &Value) -> bool {
    let mut origins = Vec::new();
    if let Some(list) = doc
        .get("Statement")
        .and_then(|s| s.as_list().map(<[Value]>::to_vec))
    {
        for st in list {
            if let Some(p) = st.get("Principal") {
                p.unknown_origins(&mut origins);
                let mut plain = false;
                walk_unknown(&p, &mut plain, &mut origins);
                if plain {
                    return false;
                }
            }
        }
    }
    origins.iter().all(|o| o.contains("aws_caller_identity"))
}

/// Sets `plain` when an unknown value has no origin; collects the origins
/// of the unknown pieces of strings known in part
/// (`arn:aws:iam::${data.aws_caller_identity.current.account_id}:root`).
fn walk_unknown(v: &Value, plain: &mut bool, origins: &mut Vec<cloudwright_model::text::Shared>) {
    if let Some(pieces) = v.template() {
        for piece in pieces.iter().filter(|p| p.as_str().is_none()) {
            match piece.as_unknown().and_then(|u| u.origin_arc().cloned()) {
                Some(o) => origins.push(o),
                None => *plain = true,
            }
        }
        return;
    }
    match v.strip() {
        Value::Unknown(u) if u.origin().is_none() => *plain = true,
        Value::List(items) => items.iter().for_each(|i| walk_unknown(i, plain, origins)),
        Value::Map(obj) => obj
            .fields()
            .values()
            .for_each(|i| walk_unknown(i, plain, origins)),
        _ => {}
    }
}

/// A role's trust fails with the first failing statement's message, else
/// is undecidable with the first reason, else passes.
fn conclude(
    report: &mut Report,
    role: &cloudwright_model::Resource,
    failing: Option<String>,
    undecided: Option<String>,
) {
    match (failing, undecided) {
        (Some(message), _) => {
            report.fail(role, "assume_role_policy", message);
        }
        (None, Some(why)) => report.unknown(role, why),
        _ => {}
    }
}

fn check_external_id(ctx: &Context<'_>, report: &mut Report) {
    // the accounts of each root, found once (a root has many roles)
    let mut accounts: std::collections::HashMap<cloudwright_model::text::Shared, Vec<String>> =
        Default::default();
    for role in ctx.resources(&["aws_iam_role"]) {
        report.checked(role);
        let doc = match get_document(role, "assume_role_policy") {
            Tri::Known(doc) => doc,
            Tri::Unknown(why) => {
                report.unknown(role, why);
                continue;
            }
            Tri::Absent => continue,
        };
        let Tri::Known(list) = statements(Tri::Known(doc.clone())) else {
            continue;
        };
        let own = accounts
            .entry(role.root.clone())
            .or_insert_with(|| own_accounts(ctx, &role.root));
        let mut failing = None;
        let mut undecided = None;
        for st in list.iter().filter(|s| s.allow && allows_assume(s)) {
            let conditions = st.conditions.as_object();
            let has_key = |key: &str| {
                conditions.is_some_and(|ops| {
                    ops.values()
                        .filter_map(|k| k.as_object())
                        .any(|k| k.keys().any(|name| name.eq_ignore_ascii_case(key)))
                })
            };
            if has_key("sts:ExternalId")
                || has_key("aws:PrincipalOrgID")
                || has_key("aws:PrincipalOrgPaths")
            {
                continue;
            }
            for (kind, id) in &st.principals {
                if kind != "AWS" {
                    continue;
                }
                if is_unknown(id) {
                    if !unknown_principals_are_own_account(&doc) {
                        undecided.get_or_insert(format!(
                            "a trusted principal is {}",
                            st.why("Principal")
                        ));
                    }
                    continue;
                }
                if let Some(account) = principal_account(id) {
                    if !own.iter().any(|o| o == account) {
                        failing.get_or_insert(account.to_string());
                    }
                }
            }
        }
        let failing = failing.map(|account| format!("account {account} may assume the role without an sts:ExternalId condition (confused deputy)"));
        conclude(report, role, failing, undecided);
    }
}

crate::rule! {
    /// ## What it checks
    /// Roles that trust another AWS account require an external id: an
    /// `Allow` of `sts:AssumeRole` to an account id or an IAM ARN in another
    /// account needs an `sts:ExternalId` condition (or an
    /// `aws:PrincipalOrgID` restriction). Accounts the configuration calls
    /// its own — the AWS providers' `allowed_account_ids` and `assume_role`
    /// accounts, `data.aws_caller_identity` — are not "other".
    ///
    /// ## Why it matters
    /// A role trusting a vendor's account without an external id lets any
    /// of that vendor's other customers point the vendor at your role ARN
    /// (the confused deputy problem).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role" "vendor" {
    ///   name = "vendor-audit"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "arn:aws:iam::111122223333:root" }
    ///       Action    = "sts:AssumeRole"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role" "vendor" {
    ///   name = "vendor-audit"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "arn:aws:iam::111122223333:root" }
    ///       Action    = "sts:AssumeRole"
    ///       Condition = { StringEquals = { "sts:ExternalId" = var.vendor_external_id } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add the `sts:ExternalId` the third party gives you; for your own
    /// accounts, list them in the provider's `allowed_account_ids` or use
    /// `aws:PrincipalOrgID`.
    pub static TRUST_CROSS_ACCOUNT = {
        id: "CW-AWS-IAM-011",
        title: "IAM role trusts another account without an external id",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_iam_role"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an sts:ExternalId condition to the cross-account trust.",
        check: check_external_id,
    }
}

fn check_not_action(ctx: &Context<'_>, report: &mut Report) {
    for doc in ctx.policy_documents() {
        report.checked(doc.resource);
        match &doc.statements {
            Tri::Known(list) => {
                // with Resource "*", CW-AWS-IAM-001 reports it
                if let Some(st) = list
                    .iter()
                    .find(|s| s.allow && !s.not_actions.is_empty() && !s.all_resources())
                {
                    let resources = super::resources_shown(st);
                    report.fail(doc.resource, &doc.attribute, format!("allows every action except {} on {resources}: new actions AWS adds are granted automatically", st.not_actions.join(", ")));
                }
            }
            Tri::Unknown(why) => report.unknown(doc.resource, why),
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Identity policies do not grant with `NotAction`: an `Allow` statement
    /// with `NotAction` (on resources other than `"*"`, which
    /// CW-AWS-IAM-001 reports).
    ///
    /// ## Why it matters
    /// `Allow` + `NotAction` grants every action except those listed —
    /// including every action AWS adds in future, across all services. It
    /// is almost always meant as a `Deny` + `NotAction` guardrail.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_policy" "data" {
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       NotAction = ["s3:DeleteBucket"]
    ///       Resource  = "arn:aws:s3:::data/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_policy" "data" {
    ///   policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:PutObject"]
    ///       Resource = "arn:aws:s3:::data/*"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// List the allowed actions; use `NotAction` only with `Deny`.
    pub static ALLOW_NOT_ACTION = {
        id: "CW-AWS-IAM-012",
        title: "IAM policy allows with NotAction",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Replace NotAction with an explicit Action list.",
        check: check_not_action,
    }
}

fn check_web_identity(ctx: &Context<'_>, report: &mut Report) {
    use cloudwright_iam::federation::{
        allows_web_identity, federation, identity_claim, restricts_subject, Federation,
    };
    for role in ctx.resources(&["aws_iam_role"]) {
        report.checked(role);
        let list = match get_statements(role, "assume_role_policy") {
            Tri::Known(list) => list,
            Tri::Unknown(why) => {
                report.unknown(role, why);
                continue;
            }
            Tri::Absent => continue,
        };
        let mut failing = None;
        let mut undecided = None;
        for st in list.iter().filter(|s| {
            (s.allow || s.has_unknown("Effect"))
                && (allows_web_identity(s) || s.has_unknown("Action"))
        }) {
            for (_, id) in st.principals.iter().filter(|(k, _)| k == "Federated") {
                let host = match federation(id) {
                    Federation::Oidc(host) => host,
                    Federation::Other => continue,
                    Federation::Unknown => {
                        undecided.get_or_insert(format!(
                            "a federated principal of the trust is {}",
                            st.why("Principal")
                        ));
                        continue;
                    }
                };
                let claim = identity_claim(host.as_deref());
                match restricts_subject(st, claim) {
                    Tri::Known(true) => {}
                    Tri::Unknown(why) => {
                        undecided.get_or_insert(why);
                    }
                    Tri::Known(false) | Tri::Absent => {
                        if let Some(why) = st.unknown_reason(&["Effect", "Action"]) {
                            undecided.get_or_insert(why);
                            continue;
                        }
                        let provider = match (&host, cloudwright_iam::document::unknown_origin(id))
                        {
                            (Some(h), _) => format!("`{h}`"),
                            (None, Some(origin)) => origin.trim_end_matches(".arn").to_string(),
                            (None, None) => shown(id).into_owned(),
                        };
                        let github = host.as_deref() == Some("token.actions.githubusercontent.com");
                        failing.get_or_insert(format!(
                            "any identity the OIDC provider {provider} issues a token to{} may assume the role: the trust has no condition naming the token's `{claim}`",
                            if github { " — any workflow of any GitHub repository —" } else { "" }
                        ));
                    }
                }
            }
        }
        conclude(report, role, failing, undecided);
    }
}

crate::rule! {
    /// ## What it checks
    /// Roles that trust an OpenID Connect identity provider — GitHub
    /// Actions, an EKS cluster (IRSA), GitLab, Google, a Cognito identity
    /// pool — for `sts:AssumeRoleWithWebIdentity` restrict which identities
    /// may: a `StringEquals`/`StringLike` condition on the token's `sub`
    /// claim (`token.actions.githubusercontent.com:sub`,
    /// `oidc.eks.….amazonaws.com/id/…:sub`; `aud` for Cognito identity
    /// pools) naming the subjects. A condition on `aud` alone, or a subject
    /// of `"*"` or `"repo:*"`, does not. A key written around the
    /// provider's URL known only after apply
    /// (`"${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub"`)
    /// is read by its known `:sub`. SAML federation is not judged here.
    ///
    /// ## Why it matters
    /// The provider issues tokens to far more identities than the one the
    /// role is for: without a subject condition, any workflow of any
    /// repository on GitHub, or any service account in the cluster, can
    /// exchange its token for the role's credentials.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role" "deploy" {
    ///   name = "github-deploy"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
    ///       Action    = "sts:AssumeRoleWithWebIdentity"
    ///       Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role" "deploy" {
    ///   name = "github-deploy"
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
    ///       Action    = "sts:AssumeRoleWithWebIdentity"
    ///       Condition = {
    ///         StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
    ///         StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:acme/deploy:ref:refs/heads/main" }
    ///       }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a `StringEquals` (or `StringLike`) condition on `<provider>:sub`
    /// naming the repository and branch, or the namespace and service
    /// account, that may assume the role.
    pub static TRUST_WEB_IDENTITY_SUBJECT = {
        id: "CW-AWS-IAM-015",
        title: "IAM role trusts an OIDC provider without restricting the subject",
        severity: High,
        category: "iam",
        resource_types: ["aws_iam_role"],
        checkov: ["CKV_AWS_358"],
        trivy: [],
        kics: [],
        remediation: "Add a condition on the token's sub claim naming who may assume the role.",
        check: check_web_identity,
    }
}
