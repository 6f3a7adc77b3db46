//! AWS Lambda.

mod hardening;
mod public_permission;

use crate::check::{get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &LAMBDA_URL_NO_AUTH,
        &public_permission::LAMBDA_PUBLIC_PERMISSION,
        &hardening::LAMBDA_TRACING,
        &hardening::LAMBDA_DLQ,
        &hardening::LAMBDA_CODE_SIGNING,
        &hardening::LAMBDA_DEPRECATED_RUNTIME,
        &hardening::LAMBDA_DATA_STORE_OUTSIDE_VPC,
        &hardening::LAMBDA_ENV_SECRETS,
        &hardening::LAMBDA_ENV_CMK,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Lambda function URLs require IAM authentication:
    /// `aws_lambda_function_url` with `authorization_type = "NONE"` fails.
    ///
    /// ## Why it matters
    /// A function URL with `NONE` is a public HTTPS endpoint: anyone who
    /// finds the URL invokes the function — and pays with your concurrency
    /// and your bill. It bypasses API Gateway, WAF and any authorizer.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function_url" "api" {
    ///   function_name      = aws_lambda_function.api.function_name
    ///   authorization_type = "NONE"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function_url" "api" {
    ///   function_name      = aws_lambda_function.api.function_name
    ///   authorization_type = "AWS_IAM"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `AWS_IAM`, or put the function behind API Gateway with an
    /// authorizer (and WAF) when it must be public.
    pub static LAMBDA_URL_NO_AUTH = {
        id: "CW-AWS-LAMBDA-001",
        title: "Lambda function URL without authentication",
        severity: High,
        category: "network",
        resource_types: ["aws_lambda_function_url"],
        checkov: ["CKV_AWS_258"],
        trivy: [],
        kics: [],
        remediation: "Set authorization_type = \"AWS_IAM\".",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for url in ctx.resources(&["aws_lambda_function_url"]) {
        report.checked(url);
        match get_str(url, "authorization_type") {
            Tri::Known(t) if t == "NONE" => {
                report.fail(
                    url,
                    "authorization_type",
                    "anyone on the internet can invoke the function through its URL",
                );
            }
            Tri::Unknown(why) => report.unknown(url, why),
            _ => {}
        }
    }
}
