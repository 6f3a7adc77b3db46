//! Account-wide IAM settings and long-lived credentials: the password
//! policy, access keys and console passwords managed in Terraform, and the
//! AWS managed IAMFullAccess policy.

use crate::check::{get_str, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::Report;
use cloudwright_model::Resource;

const POLICY: &[&str] = &["aws_iam_account_password_policy"];

crate::rule! {
    /// ## What it checks
    /// The account password policy requires at least 14 characters:
    /// `minimum_password_length` ≥ 14 (the provider's default is 6).
    ///
    /// ## Why it matters
    /// Length is what makes passwords resist guessing and cracking; CIS
    /// AWS Foundations and NIST SP 800-63B both favour long passphrases.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length = 8
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length = 14
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `minimum_password_length = 14` or more (and prefer IAM Identity
    /// Center over IAM users).
    pub static PASSWORD_LENGTH = {
        id: "CW-AWS-IAM-004",
        title: "IAM password policy allows passwords shorter than 14 characters",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_iam_account_password_policy"],
        checkov: ["CKV_AWS_10"],
        trivy: [],
        kics: ["1bc1c685-e593-450e-88fb-19db4c82aa1d"],
        remediation: "Set minimum_password_length = 14 or more.",
        check: |ctx, report| require(ctx, report, POLICY, &Setting {
            path: "minimum_password_length",
            want: Want::AtLeast(14.0),
            absent: Absent::Fails("minimum_password_length is not set (the default is 6)"),
            message: "passwords may be shorter than 14 characters",
        }),
    }
}

fn check_complexity(ctx: &Context<'_>, report: &mut Report) {
    for policy in ctx.resources(POLICY) {
        report.checked(policy);
        let mut missing = Vec::new();
        let mut undecided = None;
        for (attr, what) in [
            ("require_lowercase_characters", "lowercase letters"),
            ("require_uppercase_characters", "uppercase letters"),
            ("require_numbers", "numbers"),
            ("require_symbols", "symbols"),
        ] {
            match crate::check::get_bool(policy, attr) {
                Tri::Known(true) => {}
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => missing.push(what),
            }
        }
        if !missing.is_empty() {
            report.fail(
                policy,
                "",
                format!("passwords need not contain {}", missing.join(", ")),
            );
        } else if let Some(why) = undecided {
            report.unknown(policy, why);
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// The account password policy requires lowercase and uppercase
    /// letters, numbers and symbols (`require_*` all `true`; each defaults
    /// to `false`).
    ///
    /// ## Why it matters
    /// CIS AWS Foundations requires each character class; without them,
    /// short dictionary passwords satisfy the policy.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length = 14
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length      = 14
    ///   require_lowercase_characters = true
    ///   require_uppercase_characters = true
    ///   require_numbers              = true
    ///   require_symbols              = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set the four `require_*` arguments to `true`.
    pub static PASSWORD_COMPLEXITY = {
        id: "CW-AWS-IAM-005",
        title: "IAM password policy does not require every character class",
        severity: Low,
        category: "iam",
        resource_types: ["aws_iam_account_password_policy"],
        checkov: ["CKV_AWS_11", "CKV_AWS_12", "CKV_AWS_14", "CKV_AWS_15"],
        trivy: [],
        kics: [],
        remediation: "Require lowercase, uppercase, numbers and symbols.",
        check: check_complexity,
    }
}

crate::rule! {
    /// ## What it checks
    /// The account password policy prevents reusing the last 24 passwords:
    /// `password_reuse_prevention` ≥ 24 (unset allows reuse). Periodic
    /// expiry (`max_password_age`) is not required: NIST SP 800-63B advises
    /// against forced rotation.
    ///
    /// ## Why it matters
    /// Without reuse prevention, a user forced to change a compromised
    /// password can set it straight back.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length = 14
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_account_password_policy" "strict" {
    ///   minimum_password_length   = 14
    ///   password_reuse_prevention = 24
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `password_reuse_prevention = 24`.
    pub static PASSWORD_REUSE = {
        id: "CW-AWS-IAM-006",
        title: "IAM password policy allows reusing recent passwords",
        severity: Low,
        category: "iam",
        resource_types: ["aws_iam_account_password_policy"],
        checkov: ["CKV_AWS_13"],
        trivy: [],
        kics: [],
        remediation: "Set password_reuse_prevention = 24.",
        check: |ctx, report| require(ctx, report, POLICY, &Setting {
            path: "password_reuse_prevention",
            want: Want::AtLeast(24.0),
            absent: Absent::Fails("password_reuse_prevention is not set: old passwords can be reused"),
            message: "fewer than the last 24 passwords are remembered",
        }),
    }
}

fn check_access_keys(ctx: &Context<'_>, report: &mut Report) {
    for key in ctx.resources(&["aws_iam_access_key"]) {
        report.checked(key);
        let where_secret = match get_str(key, "pgp_key") {
            Tri::Known(k) if !k.is_empty() => "encrypted with a PGP key in the state",
            _ => "in plaintext in the Terraform state",
        };
        report.fail(key, "", format!("a long-lived access key is created by Terraform; its secret is stored {where_secret}"));
    }
}

crate::rule! {
    /// ## What it checks
    /// No long-lived IAM access keys are created in Terraform
    /// (`aws_iam_access_key`).
    ///
    /// ## Why it matters
    /// The secret access key lands in the Terraform state — in plaintext
    /// unless `pgp_key` is used — readable by everyone who can read the
    /// state, and it never expires. Leaked static keys are the most common
    /// initial access to AWS accounts.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_access_key" "ci" {
    ///   user = aws_iam_user.ci.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// # CI assumes a role through OIDC instead of holding keys
    /// resource "aws_iam_role" "ci" {
    ///   name               = "ci"
    ///   assume_role_policy = data.aws_iam_policy_document.github_oidc.json
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use roles: OIDC federation for CI, instance/task roles for
    /// workloads, IAM Identity Center for people. Delete and rotate the key.
    pub static ACCESS_KEY = {
        id: "CW-AWS-IAM-007",
        title: "Long-lived IAM access key managed in Terraform",
        severity: Medium,
        category: "secrets",
        resource_types: ["aws_iam_access_key"],
        checkov: [],
        trivy: [],
        kics: ["7081f85c-b94d-40fd-8b45-a4f1cac75e46"],
        remediation: "Replace the access key with a role (OIDC, instance or task role).",
        check: check_access_keys,
    }
}

fn check_login_profiles(ctx: &Context<'_>, report: &mut Report) {
    for profile in ctx.resources(&["aws_iam_user_login_profile"]) {
        report.checked(profile);
        report.fail(profile, "", "the IAM user gets a console password");
    }
}

crate::rule! {
    /// ## What it checks
    /// IAM users are not given console passwords
    /// (`aws_iam_user_login_profile`).
    ///
    /// ## Why it matters
    /// Console access for people belongs in IAM Identity Center (SSO) with
    /// the organisation's identity provider, MFA and central off-boarding.
    /// IAM user passwords are per-account, often without MFA, and outlive
    /// the person's employment.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_user_login_profile" "alice" {
    ///   user = aws_iam_user.alice.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ssoadmin_account_assignment" "alice" {
    ///   instance_arn       = local.sso_instance_arn
    ///   permission_set_arn = aws_ssoadmin_permission_set.developer.arn
    ///   principal_id       = local.alice_id
    ///   principal_type     = "USER"
    ///   target_id          = "123456789012"
    ///   target_type        = "AWS_ACCOUNT"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Move people to IAM Identity Center; remove IAM user passwords.
    pub static LOGIN_PROFILE = {
        id: "CW-AWS-IAM-008",
        title: "IAM user with console access",
        severity: Low,
        category: "iam",
        resource_types: ["aws_iam_user_login_profile"],
        checkov: ["CKV2_AWS_22"],
        trivy: [],
        kics: [],
        remediation: "Use IAM Identity Center for console access.",
        check: check_login_profiles,
    }
}

const IAM_FULL_ACCESS: &str = ":iam::aws:policy/IAMFullAccess";

fn attaches(r: &Resource) -> Tri<bool> {
    if r.resource_type == "aws_iam_role" {
        return match crate::check::get(r, "managed_policy_arns") {
            Tri::Known(v) => Tri::Known(v.as_list().is_some_and(|l| {
                l.iter()
                    .any(|a| a.as_str().is_some_and(|s| s.ends_with(IAM_FULL_ACCESS)))
            })),
            Tri::Absent => Tri::Known(false),
            Tri::Unknown(why) => Tri::Unknown(why),
        };
    }
    get_str(r, "policy_arn").map(|arn| arn.ends_with(IAM_FULL_ACCESS))
}

fn check_iam_full_access(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&[
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_role",
    ]) {
        report.checked(r);
        match attaches(r) {
            Tri::Known(true) => {
                let attr = if r.resource_type == "aws_iam_role" {
                    "managed_policy_arns"
                } else {
                    "policy_arn"
                };
                report.fail(r, attr, "grants the AWS managed IAMFullAccess policy: the holder can make itself administrator");
            }
            Tri::Unknown(why) if r.resource_type != "aws_iam_role" => report.unknown(r, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// The AWS managed `IAMFullAccess` policy is not attached to a role,
    /// user or group (by a policy attachment or a role's
    /// `managed_policy_arns`).
    ///
    /// ## Why it matters
    /// Full IAM access is administrator access one step removed: the holder
    /// can attach `AdministratorAccess` to itself or create a new admin
    /// user.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_iam_role_policy_attachment" "deployer" {
    ///   role       = aws_iam_role.deployer.name
    ///   policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_iam_role_policy_attachment" "deployer" {
    ///   role       = aws_iam_role.deployer.name
    ///   policy_arn = aws_iam_policy.deployer_scoped.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Grant the specific IAM actions needed, on specific role and policy
    /// ARNs, with a permissions boundary for any role it creates.
    pub static IAM_FULL_ACCESS_POLICY = {
        id: "CW-AWS-IAM-009",
        title: "AWS managed IAMFullAccess policy attached",
        severity: High,
        category: "iam",
        resource_types: ["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role"],
        checkov: ["CKV2_AWS_56"],
        trivy: [],
        kics: [],
        remediation: "Replace IAMFullAccess with a scoped policy.",
        check: check_iam_full_access,
    }
}
