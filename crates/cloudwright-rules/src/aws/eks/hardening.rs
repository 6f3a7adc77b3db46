//! EKS cluster settings beyond the endpoint: envelope encryption of
//! Kubernetes secrets and control-plane logs.

use crate::setting::{require, Absent, Setting, Want};

crate::rule! {
    /// ## What it checks
    /// EKS clusters encrypt Kubernetes secrets with a KMS key they control:
    /// an `encryption_config` block whose `resources` include `"secrets"`.
    ///
    /// ## Why it matters
    /// Secrets in etcd hold database passwords, API tokens and service
    /// account keys. Since 2025 EKS encrypts them with an AWS owned key by
    /// default for Kubernetes 1.28+; with your own KMS key the decryption is
    /// logged in CloudTrail, governed by the key policy, and revocable.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config { subnet_ids = var.private_subnets }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config { subnet_ids = var.private_subnets }
    ///   encryption_config {
    ///     resources = ["secrets"]
    ///     provider { key_arn = aws_kms_key.eks.arn }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `encryption_config` with `resources = ["secrets"]` and a KMS key
    /// (it can be added to a running cluster but never removed).
    pub static EKS_SECRETS_ENCRYPTION = {
        id: "CW-AWS-EKS-002",
        title: "EKS secrets not encrypted with a customer managed KMS key",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_eks_cluster"],
        checkov: ["CKV_AWS_58"],
        trivy: ["AVD-AWS-0039", "aws-eks-encrypt-secrets"],
        kics: ["63ebcb19-2739-4d3f-aa5c-e8bbb9b85281"],
        remediation: "Add encryption_config { resources = [\"secrets\"] provider { key_arn = ... } }.",
        check: |ctx, report| require(ctx, report, &["aws_eks_cluster"], &Setting {
            path: "encryption_config.0.resources",
            want: Want::Contains(&["secrets"]),
            absent: Absent::Fails("no encryption_config: secrets use the AWS owned key, not one you control"),
            message: "encryption_config does not cover Kubernetes secrets",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// EKS clusters send the control-plane logs that matter for security to
    /// CloudWatch: `enabled_cluster_log_types` includes `api`, `audit` and
    /// `authenticator` (no log type is enabled by default).
    ///
    /// ## Why it matters
    /// The Kubernetes audit log is the only record of who read a secret,
    /// exec'd into a pod or changed RBAC; the authenticator log maps those
    /// actions to IAM principals. Without them an incident in the cluster
    /// cannot be investigated.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config { subnet_ids = var.private_subnets }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name                      = "main"
    ///   role_arn                  = aws_iam_role.eks.arn
    ///   enabled_cluster_log_types = ["api", "audit", "authenticator"]
    ///   vpc_config { subnet_ids = var.private_subnets }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enabled_cluster_log_types = ["api", "audit", "authenticator"]`
    /// (add `controllerManager` and `scheduler` if you debug the control
    /// plane) and give the `/aws/eks/<name>/cluster` log group a retention.
    pub static EKS_CONTROL_PLANE_LOGS = {
        id: "CW-AWS-EKS-003",
        title: "EKS control-plane audit logging incomplete",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_eks_cluster"],
        checkov: ["CKV_AWS_37"],
        trivy: ["AVD-AWS-0038", "aws-eks-enable-control-plane-logging"],
        kics: [],
        remediation: "Set enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\"].",
        check: |ctx, report| require(ctx, report, &["aws_eks_cluster"], &Setting {
            path: "enabled_cluster_log_types",
            want: Want::Contains(&["api", "audit", "authenticator"]),
            absent: Absent::Fails("no control-plane logs are enabled (enabled_cluster_log_types is not set)"),
            message: "control-plane audit logging is incomplete",
        }),
    }
}

fn check_node_group_ssh(ctx: &crate::check::Context<'_>, report: &mut crate::Report) {
    use crate::check::{count, get, Tri};
    for group in ctx.resources(&["aws_eks_node_group"]) {
        match get(group, "remote_access.0.ec2_ssh_key") {
            Tri::Known(_) => {}
            Tri::Absent => {
                report.checked(group);
                continue;
            }
            Tri::Unknown(why) => {
                report.checked(group);
                // a key pair created alongside is set; an unset variable may be null
                if !crate::check::refers(group, "remote_access") {
                    report.unknown(group, why);
                    continue;
                }
            }
        }
        report.checked(group);
        match count(group, "remote_access.0.source_security_group_ids") {
            Tri::Known(0) => {
                report.fail(group, "remote_access[0]", "an SSH key is set without source_security_group_ids: port 22 of every node is open to 0.0.0.0/0");
            }
            Tri::Unknown(why) => report.unknown(group, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// EKS managed node groups with SSH access name who may connect:
    /// `remote_access` with an `ec2_ssh_key` but no
    /// `source_security_group_ids` fails, because EKS then opens port 22 to
    /// `0.0.0.0/0`.
    ///
    /// ## Why it matters
    /// Every worker node — and the pods and instance role on it — is then
    /// exposed to SSH brute force from the internet (if the nodes have
    /// public IPs) or from the whole VPC.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eks_node_group" "workers" {
    ///   cluster_name  = aws_eks_cluster.main.name
    ///   node_role_arn = aws_iam_role.node.arn
    ///   subnet_ids    = var.private_subnet_ids
    ///   scaling_config {
    ///     desired_size = 3
    ///     min_size     = 3
    ///     max_size     = 6
    ///   }
    ///   remote_access {
    ///     ec2_ssh_key = "ops"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eks_node_group" "workers" {
    ///   cluster_name  = aws_eks_cluster.main.name
    ///   node_role_arn = aws_iam_role.node.arn
    ///   subnet_ids    = var.private_subnet_ids
    ///   scaling_config {
    ///     desired_size = 3
    ///     min_size     = 3
    ///     max_size     = 6
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Drop `remote_access` and use SSM Session Manager, or restrict it with
    /// `source_security_group_ids`.
    pub static EKS_NODE_GROUP_SSH = {
        id: "CW-AWS-EKS-004",
        title: "EKS node group SSH open to everyone",
        severity: High,
        category: "network",
        resource_types: ["aws_eks_node_group"],
        checkov: ["CKV_AWS_100"],
        trivy: [],
        kics: ["ba40ace1-a047-483c-8a8d-bc2d3a67a82d"],
        remediation: "Set remote_access.source_security_group_ids, or remove remote_access.",
        check: check_node_group_ssh,
    }
}

fn check_workload_identity(ctx: &crate::check::Context<'_>, report: &mut crate::Report) {
    use crate::check::Tri;
    for cluster in ctx.resources(&["aws_eks_cluster"]) {
        report.checked(cluster);
        // an OIDC provider built from the cluster's issuer (IRSA)
        let irsa = ctx
            .graph
            .referrers(cluster)
            .any(|(r, attr)| r.resource_type == "aws_iam_openid_connect_provider" && attr == "url");
        if irsa {
            continue;
        }
        // or EKS Pod Identity: the agent add-on, or associations
        let addons = ctx.companions(cluster, "aws_eks_addon", "cluster_name", &["name"]);
        let associations = ctx.companions(
            cluster,
            "aws_eks_pod_identity_association",
            "cluster_name",
            &["name"],
        );
        let pod_identity = match &addons {
            Tri::Known(list) => list.iter().any(|a| {
                matches!(crate::check::get_str(a, "addon_name"), Tri::Known(n) if n == "eks-pod-identity-agent")
            }),
            _ => false,
        } || matches!(&associations, Tri::Known(l) if !l.is_empty());
        if pod_identity {
            continue;
        }
        match (addons, associations) {
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(cluster, why),
            _ => {
                report.fail(cluster, "", "no IAM OIDC provider (IRSA) and no EKS Pod Identity: pods can only use the node role");
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// EKS clusters give pods their own AWS identities: an
    /// `aws_iam_openid_connect_provider` whose `url` is the cluster's OIDC
    /// issuer (IAM roles for service accounts), or EKS Pod Identity (the
    /// `eks-pod-identity-agent` add-on or `aws_eks_pod_identity_association`
    /// resources).
    ///
    /// ## Why it matters
    /// Without either, every pod that calls AWS uses the node's instance
    /// role: all workloads on a node share the union of their permissions,
    /// and a compromised pod gets them all.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config { subnet_ids = var.private_subnets }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config { subnet_ids = var.private_subnets }
    /// }
    /// resource "aws_eks_addon" "pod_identity" {
    ///   cluster_name = aws_eks_cluster.main.name
    ///   addon_name   = "eks-pod-identity-agent"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Install the Pod Identity agent and associate a role per service
    /// account (or create the OIDC provider for IRSA), and keep the node
    /// role minimal.
    pub static EKS_WORKLOAD_IDENTITY = {
        id: "CW-AWS-EKS-005",
        title: "EKS cluster without IRSA or Pod Identity",
        severity: Low,
        category: "iam",
        resource_types: ["aws_eks_cluster", "aws_iam_openid_connect_provider", "aws_eks_addon", "aws_eks_pod_identity_association"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Enable EKS Pod Identity (or IRSA) and give each workload its own role.",
        check: check_workload_identity,
    }
}
