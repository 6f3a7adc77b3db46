//! Amazon EKS.

mod hardening;

use crate::check::{get, get_bool, is_world, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &EKS_PUBLIC_ENDPOINT,
        &hardening::EKS_SECRETS_ENCRYPTION,
        &hardening::EKS_CONTROL_PLANE_LOGS,
        &hardening::EKS_NODE_GROUP_SSH,
        &hardening::EKS_WORKLOAD_IDENTITY,
    ]
}

crate::rule! {
    /// ## What it checks
    /// EKS clusters do not expose the Kubernetes API endpoint to the whole
    /// internet: with `endpoint_public_access` (default `true`),
    /// `public_access_cidrs` must not be `0.0.0.0/0` — which is its default.
    ///
    /// ## Why it matters
    /// The API server is the cluster's control plane. Open to the internet it
    /// is scanned continuously, and any leaked kubeconfig or token, or an
    /// API-server vulnerability, is exploitable from anywhere.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   vpc_config {
    ///     subnet_ids = var.private_subnet_ids
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   vpc_config {
    ///     subnet_ids              = var.private_subnet_ids
    ///     endpoint_private_access = true
    ///     endpoint_public_access  = false
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Turn the public endpoint off (private access through the VPC or VPN),
    /// or restrict `public_access_cidrs` to known ranges.
    pub static EKS_PUBLIC_ENDPOINT = {
        id: "CW-AWS-EKS-001",
        title: "EKS API endpoint open to the internet",
        severity: High,
        category: "network",
        resource_types: ["aws_eks_cluster"],
        checkov: ["CKV_AWS_38", "CKV_AWS_39"],
        trivy: ["AVD-AWS-0041", "aws-eks-no-public-cluster-access-to-cidr", "AVD-AWS-0040", "aws-eks-no-public-cluster-access"],
        kics: ["61cf9883-1752-4768-b18c-0d57f2737709"],
        remediation: "Set endpoint_public_access = false, or restrict public_access_cidrs.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(&["aws_eks_cluster"]) {
        report.checked(cluster);
        match get_bool(cluster, "vpc_config.0.endpoint_public_access") {
            Tri::Known(false) => continue,
            Tri::Unknown(why) => {
                report.unknown(cluster, why);
                continue;
            }
            _ => {}
        }
        match get(cluster, "vpc_config.0.public_access_cidrs") {
            Tri::Absent => {
                let attr = if cluster.attribute_spans.get("vpc_config[0]").is_some() {
                    "vpc_config[0]"
                } else {
                    ""
                };
                report.fail(
                    cluster,
                    attr,
                    "the public endpoint is open to 0.0.0.0/0 (public_access_cidrs defaults to it)",
                );
            }
            Tri::Known(list) => {
                let items = list.as_list().unwrap_or_default();
                if items.iter().any(|v| v.is_unknown()) {
                    report.unknown(
                        cluster,
                        format!("public_access_cidrs holds values {}", list.why_unknown()),
                    );
                } else if let Some(world) = items
                    .iter()
                    .filter_map(|v| v.as_str())
                    .find(|c| is_world(c))
                {
                    report.fail(
                        cluster,
                        "vpc_config[0].public_access_cidrs",
                        format!("the public endpoint is open to {world}"),
                    );
                }
            }
            Tri::Unknown(why) => report.unknown(cluster, why),
        }
    }
}
