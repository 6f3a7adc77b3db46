//! Instance settings beyond IMDSv2: hop limit, monitoring, user data,
//! AMI sharing.

use crate::check::{get_str, Context, Tri};
use crate::setting::{require, require_where, Absent, Setting, Want};
use crate::Report;
use base64::Engine as _;
use cloudwright_model::{Resource, Value};

crate::rule! {
    /// ## What it checks
    /// Instances and launch templates keep the instance metadata response
    /// hop limit at 1: `metadata_options.http_put_response_hop_limit` is not
    /// greater than 1 (unset keeps the AMI's default, normally 1).
    ///
    /// ## Why it matters
    /// With a hop limit above 1, IMDSv2 tokens can be fetched from inside
    /// containers on the instance — every pod or task can then take the
    /// instance role's credentials instead of its own.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_launch_template" "nodes" {
    ///   name = "nodes"
    ///   metadata_options {
    ///     http_tokens                 = "required"
    ///     http_put_response_hop_limit = 2
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_launch_template" "nodes" {
    ///   name = "nodes"
    ///   metadata_options {
    ///     http_tokens                 = "required"
    ///     http_put_response_hop_limit = 1
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set the hop limit to 1 and give containers their own credentials
    /// (EKS Pod Identity / IRSA, ECS task roles).
    pub static EC2_HOP_LIMIT = {
        id: "CW-AWS-EC2-004",
        title: "Instance metadata reachable from containers (hop limit above 1)",
        severity: Low,
        category: "iam",
        resource_types: ["aws_instance", "aws_launch_template"],
        checkov: ["CKV_AWS_341"],
        trivy: [],
        kics: [],
        remediation: "Set metadata_options.http_put_response_hop_limit = 1.",
        check: |ctx, report| require(ctx, report, &["aws_instance", "aws_launch_template"], &Setting {
            path: "metadata_options.0.http_put_response_hop_limit",
            want: Want::AtMost(1.0),
            absent: Absent::Passes,
            message: "containers on the instance can reach the metadata service",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Instances have detailed monitoring: `monitoring = true` on
    /// `aws_instance` (default `false`, five-minute metrics). Instances in
    /// a known non-production environment are not checked (there it is a
    /// cost: CW-AWS-COST-008).
    ///
    /// ## Why it matters
    /// One-minute metrics let alarms and Auto Scaling react within a minute
    /// instead of five, and make short CPU or network spikes visible.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami           = data.aws_ami.al2023.id
    ///   instance_type = "m7g.large"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami           = data.aws_ami.al2023.id
    ///   instance_type = "m7g.large"
    ///   monitoring    = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `monitoring = true` (billed per metric).
    pub static EC2_DETAILED_MONITORING = {
        id: "CW-AWS-EC2-005",
        title: "EC2 instance without detailed monitoring",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_instance"],
        checkov: ["CKV_AWS_126"],
        trivy: [],
        kics: ["23b70e32-032e-4fa6-ba5c-82f56b9980e6"],
        remediation: "Set monitoring = true.",
        check: |ctx, report| require_where(ctx, report, &["aws_instance"], |r| match ctx.environment(r) {
            Tri::Known(Some(env)) => Tri::Known(!env.is_non_production()),
            Tri::Known(None) | Tri::Absent => Tri::Known(true),
            Tri::Unknown(_) => Tri::Known(true),
        }, &Setting {
            path: "monitoring",
            want: Want::True,
            absent: Absent::Fails("monitoring is not set (the default is basic five-minute monitoring)"),
            message: "detailed monitoring is off",
        }),
    }
}

/// The user data of an instance, launch template or launch configuration
/// as text (launch templates take it base64-encoded; `base64gzip(script)`
/// is read as the script it compresses).
fn user_data(r: &Resource) -> Tri<(String, &'static str)> {
    for (attr, encoded) in [
        ("user_data", r.resource_type == "aws_launch_template"),
        ("user_data_base64", true),
    ] {
        if let Some(script) = r.get(attr).as_ref().and_then(Value::encoded_text) {
            return Tri::Known((script.to_string(), attr));
        }
        match get_str(r, attr) {
            Tri::Known(text) => {
                if encoded {
                    if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(text.trim())
                    {
                        return Tri::Known((String::from_utf8_lossy(&bytes).into_owned(), attr));
                    }
                }
                return Tri::Known((text, attr));
            }
            Tri::Unknown(why) => return Tri::Unknown(why),
            Tri::Absent => {}
        }
    }
    Tri::Absent
}

/// The known text of user data written as a string known only in part
/// (`"export DB_PASSWORD=… ${aws_db_instance.main.address}"`), its
/// known pieces a line each.
fn known_part_of_user_data(r: &Resource) -> Option<(String, &'static str)> {
    ["user_data", "user_data_base64"]
        .into_iter()
        .find_map(|attr| {
            let value = r.get_ref(attr)?;
            let pieces = value.template().or_else(|| value.encoded_template())?;
            let known: Vec<&str> = pieces.iter().filter_map(Value::as_str).collect();
            Some((known.join("\n"), attr))
        })
}

fn check_user_data(ctx: &Context<'_>, report: &mut Report) {
    // reports a secret in `text`, the user data in `attr`; whether it did
    let secret = |report: &mut Report, r: &Resource, attr: &str, text: &str| {
        let Some(kind) = crate::aws::secrets::secret_in_script(text) else {
            return false;
        };
        report
            .fail(
                r,
                attr,
                format!("the user data holds {kind} (value not shown)"),
            )
            .evidence
            .clear();
        true
    };
    for r in ctx.resources(&[
        "aws_instance",
        "aws_launch_template",
        "aws_launch_configuration",
    ]) {
        // a script known only in part: a secret in its known text is one
        if let Some((text, attr)) = known_part_of_user_data(r) {
            if secret(report, r, attr, &text) {
                report.checked(r);
                continue;
            }
        }
        match user_data(r) {
            Tri::Known((text, attr)) => {
                report.checked(r);
                secret(report, r, attr, &text);
            }
            Tri::Unknown(why) => {
                report.checked(r);
                report.unknown(r, why);
            }
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// User data of instances, launch templates (decoded from base64) and
    /// launch configurations holds no secret: no AWS access key, no private
    /// key, no literal assignment to a variable named like a password, token
    /// or key (`DB_PASSWORD=…`). Values read at boot (`$(aws
    /// secretsmanager …)`, `$VAR`) are fine. A script known only in part
    /// (it interpolates an address known after apply) is read for its
    /// known text. Values are never printed.
    ///
    /// ## Why it matters
    /// User data is not secret: anyone with `ec2:DescribeInstanceAttribute`
    /// can read it, any process on the instance can fetch it from the
    /// metadata service, and it is kept in the launch template's versions.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami           = data.aws_ami.al2023.id
    ///   instance_type = "t4g.small"
    ///   user_data     = <<-EOT
    ///     #!/bin/bash
    ///     export DB_PASSWORD=hunter2-prod
    ///   EOT
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami           = data.aws_ami.al2023.id
    ///   instance_type = "t4g.small"
    ///   user_data     = <<-EOT
    ///     #!/bin/bash
    ///     export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)
    ///   EOT
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Fetch secrets at boot from Secrets Manager or SSM Parameter Store with
    /// the instance role; rotate the exposed value.
    pub static EC2_USER_DATA_SECRETS = {
        id: "CW-AWS-EC2-006",
        title: "Secret in instance user data",
        severity: High,
        category: "secrets",
        resource_types: ["aws_instance", "aws_launch_template", "aws_launch_configuration"],
        checkov: ["CKV_AWS_46"],
        trivy: ["AVD-AWS-0029", "aws-ec2-no-secrets-in-user-data"],
        kics: [],
        remediation: "Read secrets at boot from Secrets Manager or SSM; never put them in user data.",
        check: check_user_data,
    }
}

fn check_ami_public(ctx: &Context<'_>, report: &mut Report) {
    for p in ctx.resources(&["aws_ami_launch_permission"]) {
        report.checked(p);
        match get_str(p, "group") {
            Tri::Known(g) if g == "all" => {
                report.fail(p, "group", "the AMI can be launched by every AWS account");
            }
            Tri::Unknown(why) => report.unknown(p, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// AMIs are not shared with everyone: no `aws_ami_launch_permission`
    /// with `group = "all"`.
    ///
    /// ## Why it matters
    /// A public AMI lets any AWS account launch a copy of the machine —
    /// with whatever was baked into it: application code, configuration
    /// files, keys and credentials left on the disk.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ami_launch_permission" "share" {
    ///   image_id = aws_ami_from_instance.golden.id
    ///   group    = "all"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ami_launch_permission" "share" {
    ///   image_id   = aws_ami_from_instance.golden.id
    ///   account_id = "123456789012"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Share with named accounts or the organization
    /// (`organization_arn`), never `all`; turn on the account's block
    /// public access for AMIs.
    pub static EC2_AMI_PUBLIC = {
        id: "CW-AWS-EC2-007",
        title: "AMI shared publicly",
        severity: Critical,
        category: "network",
        resource_types: ["aws_ami_launch_permission"],
        checkov: ["CKV_AWS_205"],
        trivy: [],
        kics: [],
        remediation: "Share AMIs with named accounts or the organization only.",
        check: check_ami_public,
    }
}

crate::rule! {
    /// ## What it checks
    /// Instances have an IAM role: `iam_instance_profile` is set on
    /// `aws_instance` (and in `aws_launch_template` as
    /// `iam_instance_profile`).
    ///
    /// ## Why it matters
    /// An instance without a role gets AWS access the wrong way — static
    /// access keys in files or environment variables — and cannot use SSM
    /// Session Manager, so SSH keys and open port 22 follow.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami           = data.aws_ami.al2023.id
    ///   instance_type = "t4g.small"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami                  = data.aws_ami.al2023.id
    ///   instance_type        = "t4g.small"
    ///   iam_instance_profile = aws_iam_instance_profile.app.name
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Attach an instance profile with least-privilege permissions and
    /// `AmazonSSMManagedInstanceCore`.
    pub static EC2_INSTANCE_ROLE = {
        id: "CW-AWS-EC2-008",
        title: "EC2 instance without an IAM role",
        severity: Low,
        category: "iam",
        resource_types: ["aws_instance"],
        checkov: ["CKV2_AWS_41"],
        trivy: [],
        kics: [],
        remediation: "Set iam_instance_profile.",
        check: |ctx, report| {
            for i in ctx.resources(&["aws_instance"]) {
                // a launch template may give the profile
                if !matches!(crate::check::get(i, "launch_template"), Tri::Absent) {
                    continue;
                }
                crate::setting::record(report, i, crate::setting::evaluate(i, &Setting {
                    path: "iam_instance_profile",
                    want: Want::NonEmpty,
                    absent: Absent::Fails("no iam_instance_profile: software on the instance has no role credentials"),
                    message: "iam_instance_profile is empty",
                }));
            }
        },
    }
}
