use crate::check::{count, get_bool, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

crate::rule! {
    /// ## What it checks
    /// EBS volumes are encrypted: `aws_ebs_volume` with `encrypted = true`,
    /// and the `root_block_device` (which an instance without one leaves to
    /// its AMI) / `ebs_block_device` of instances, the
    /// `block_device_mappings[*].ebs` of launch templates and the block
    /// devices of launch configurations. Account-wide EBS encryption by
    /// default (`aws_ebs_encryption_by_default` with `enabled = true`)
    /// satisfies it.
    ///
    /// ## Why it matters
    /// Unencrypted volumes leave data, and every snapshot taken from them,
    /// readable to anyone who gets a copy — a shared or public snapshot is a
    /// common leak. Encryption has no performance cost on current instance
    /// types.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 100
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ebs_encryption_by_default" "this" {
    ///   enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Turn on EBS encryption by default for the account and region, or set
    /// `encrypted = true` on each volume and block device.
    pub static EBS_ENCRYPTION = {
        id: "CW-AWS-EC2-002",
        title: "EBS volume not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_launch_configuration"],
        checkov: ["CKV_AWS_3", "CKV_AWS_8"],
        trivy: ["AVD-AWS-0026", "aws-ec2-enable-volume-encryption", "AVD-AWS-0131", "aws-ec2-enable-at-rest-encryption"],
        kics: ["cc997676-481b-4e93-aa81-d19f8c5e9b12"],
        remediation: "Enable aws_ebs_encryption_by_default, or set encrypted = true on the volume or block device.",
        check: check,
    }
}

fn verdict(report: &mut Report, r: &Resource, path: &str, attribute: &str) {
    match get_bool(r, path) {
        Tri::Known(true) => {}
        Tri::Known(false) => {
            report.fail(r, attribute, "the volume is not encrypted");
        }
        Tri::Absent => {
            let block = attribute.rsplit_once('.').map_or("", |(b, _)| b);
            report.fail(r, block, "encrypted is not set: the volume is unencrypted unless the account encrypts by default");
        }
        Tri::Unknown(why) => report.unknown(r, why),
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for default in ctx.resources(&["aws_ebs_encryption_by_default"]) {
        match get_bool(default, "enabled") {
            Tri::Known(true) | Tri::Absent => return, // enabled defaults to true
            _ => {}
        }
    }
    for r in ctx.resources(&[
        "aws_ebs_volume",
        "aws_instance",
        "aws_launch_template",
        "aws_launch_configuration",
    ]) {
        report.checked(r);
        match r.resource_type.as_str() {
            "aws_ebs_volume" => {
                // a volume restored from an encrypted snapshot is encrypted
                if !matches!(crate::check::get(r, "snapshot_id"), Tri::Absent) {
                    continue;
                }
                verdict(report, r, "encrypted", "encrypted");
            }
            "aws_instance" | "aws_launch_configuration" => {
                // no `root_block_device`: the root volume is the AMI's
                // snapshot's, encrypted only if that is or the account
                // encrypts by default — as when the block does not say
                if matches!(count(r, "root_block_device"), Tri::Known(0) | Tri::Absent) {
                    report.fail(r, "", "no root_block_device sets encrypted: the root volume is unencrypted unless the AMI's snapshot is encrypted or the account encrypts by default");
                }
                for block in ["root_block_device", "ebs_block_device"] {
                    match count(r, block) {
                        Tri::Known(n) => {
                            for i in 0..n {
                                verdict(
                                    report,
                                    r,
                                    &format!("{block}.{i}.encrypted"),
                                    &format!("{block}[{i}].encrypted"),
                                );
                            }
                        }
                        Tri::Unknown(why) => {
                            report.unknown(r, format!("`{block}` blocks are {why}"))
                        }
                        Tri::Absent => {}
                    }
                }
            }
            _ => match count(r, "block_device_mappings") {
                Tri::Known(n) => {
                    for i in 0..n {
                        match count(r, &format!("block_device_mappings.{i}.ebs")) {
                            Tri::Known(m) if m > 0 => verdict(
                                report,
                                r,
                                &format!("block_device_mappings.{i}.ebs.0.encrypted"),
                                &format!("block_device_mappings[{i}].ebs[0].encrypted"),
                            ),
                            Tri::Unknown(why) => report
                                .unknown(r, format!("block_device_mappings[{i}].ebs is {why}")),
                            _ => {}
                        }
                    }
                }
                Tri::Unknown(why) => {
                    report.unknown(r, format!("`block_device_mappings` blocks are {why}"))
                }
                Tri::Absent => {}
            },
        }
    }
}
