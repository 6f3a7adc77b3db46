//! Amazon SageMaker notebook instances.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&NOTEBOOK_INTERNET, &NOTEBOOK_ROOT, &NOTEBOOK_CMK]
}

const NOTEBOOKS: &[&str] = &["aws_sagemaker_notebook_instance"];

crate::rule! {
    /// ## What it checks
    /// Notebook instances have no direct internet access:
    /// `direct_internet_access = "Disabled"` (the default is `Enabled`).
    ///
    /// ## Why it matters
    /// Notebooks hold data scientists' credentials and copies of training
    /// data. Direct internet access gives them a path out that bypasses the
    /// VPC's egress controls — and a path in for downloaded code.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name          = "research"
    ///   role_arn      = aws_iam_role.notebook.arn
    ///   instance_type = "ml.t3.medium"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name                   = "research"
    ///   role_arn               = aws_iam_role.notebook.arn
    ///   instance_type          = "ml.t3.medium"
    ///   subnet_id              = aws_subnet.private_a.id
    ///   security_groups        = [aws_security_group.notebook.id]
    ///   direct_internet_access = "Disabled"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Place the notebook in a private subnet and set
    /// `direct_internet_access = "Disabled"`.
    pub static NOTEBOOK_INTERNET = {
        id: "CW-AWS-SAGEMAKER-001",
        title: "SageMaker notebook with direct internet access",
        severity: Medium,
        category: "network",
        resource_types: ["aws_sagemaker_notebook_instance"],
        checkov: ["CKV_AWS_122"],
        trivy: [],
        kics: [],
        remediation: "Set direct_internet_access = \"Disabled\" with a subnet_id.",
        check: |ctx, report| require(ctx, report, NOTEBOOKS, &Setting {
            path: "direct_internet_access",
            want: Want::OneOf(&["Disabled"]),
            absent: Absent::Fails("direct_internet_access is not set (the default is Enabled)"),
            message: "the notebook reaches the internet directly",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Notebook users do not get root: `root_access = "Disabled"` (the
    /// default is `Enabled`).
    ///
    /// ## Why it matters
    /// Root on the notebook lets a user (or code they run) change the
    /// instance's configuration, install anything and read other users'
    /// files and the lifecycle scripts' secrets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name          = "research"
    ///   role_arn      = aws_iam_role.notebook.arn
    ///   instance_type = "ml.t3.medium"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name          = "research"
    ///   role_arn      = aws_iam_role.notebook.arn
    ///   instance_type = "ml.t3.medium"
    ///   root_access   = "Disabled"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `root_access = "Disabled"`; install packages in lifecycle
    /// configurations.
    pub static NOTEBOOK_ROOT = {
        id: "CW-AWS-SAGEMAKER-002",
        title: "SageMaker notebook users have root access",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_sagemaker_notebook_instance"],
        checkov: ["CKV_AWS_307"],
        trivy: [],
        kics: [],
        remediation: "Set root_access = \"Disabled\".",
        check: |ctx, report| require(ctx, report, NOTEBOOKS, &Setting {
            path: "root_access",
            want: Want::OneOf(&["Disabled"]),
            absent: Absent::Fails("root_access is not set (the default is Enabled)"),
            message: "notebook users have root access",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Notebook storage is encrypted with a customer managed KMS key:
    /// `kms_key_id` is set.
    ///
    /// ## Why it matters
    /// The notebook's volume holds datasets, models and credentials; a
    /// customer managed key puts its key policy in front of them and
    /// records their decryption.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name          = "research"
    ///   role_arn      = aws_iam_role.notebook.arn
    ///   instance_type = "ml.t3.medium"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "research" {
    ///   name          = "research"
    ///   role_arn      = aws_iam_role.notebook.arn
    ///   instance_type = "ml.t3.medium"
    ///   kms_key_id    = aws_kms_key.notebook.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_id` (a replacement).
    pub static NOTEBOOK_CMK = {
        id: "CW-AWS-SAGEMAKER-003",
        title: "SageMaker notebook not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_sagemaker_notebook_instance"],
        checkov: ["CKV_AWS_22"],
        trivy: [],
        kics: ["f3674e0c-f6be-43fa-b71c-bf346d1aed99"],
        remediation: "Set kms_key_id to a customer managed KMS key.",
        check: |ctx, report| require(ctx, report, NOTEBOOKS, &Setting {
            path: "kms_key_id",
            want: Want::NonEmpty,
            absent: Absent::Fails("kms_key_id is not set: the notebook volume uses an AWS managed key"),
            message: "kms_key_id is empty",
        }),
    }
}
