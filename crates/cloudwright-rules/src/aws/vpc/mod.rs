//! Amazon VPC.

mod hardening;

use crate::check::{Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &VPC_FLOW_LOGS,
        &hardening::SUBNET_PUBLIC_IP,
        &hardening::DEFAULT_VPC,
        &hardening::DEFAULT_SG_RULES,
        &hardening::VPC_S3_ENDPOINT,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Every VPC has a flow log: an `aws_flow_log` whose `vpc_id` is the VPC.
    ///
    /// ## Why it matters
    /// Flow logs are the network record of the VPC: which addresses talked
    /// to which, on which ports, accepted or rejected. Without them an
    /// incident cannot be scoped, and GuardDuty-style analysis has no input.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_flow_log" "main" {
    ///   vpc_id               = aws_vpc.main.id
    ///   traffic_type         = "ALL"
    ///   log_destination_type = "s3"
    ///   log_destination      = aws_s3_bucket.flow_logs.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add an `aws_flow_log` for the VPC (to S3 for cost, CloudWatch Logs for
    /// queries).
    pub static VPC_FLOW_LOGS = {
        id: "CW-AWS-VPC-001",
        title: "VPC without flow logs",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_vpc"],
        checkov: ["CKV2_AWS_11"],
        trivy: ["AVD-AWS-0178", "aws-ec2-require-vpc-flow-logs-for-all-vpcs"],
        kics: ["f83121ea-03da-434f-9277-9cd247ab3047"],
        remediation: "Add an aws_flow_log with vpc_id = the VPC's id.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for vpc in ctx.resources(&["aws_vpc"]) {
        report.checked(vpc);
        match ctx.companions(vpc, "aws_flow_log", "vpc_id", &["id"]) {
            Tri::Known(logs) if !logs.is_empty() => {}
            Tri::Unknown(why) => report.unknown(vpc, why),
            _ => {
                report.fail(vpc, "", "the VPC has no flow log");
            }
        }
    }
}
