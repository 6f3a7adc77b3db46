use crate::check::{get, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// An `aws_lambda_permission` with `principal = "*"` is narrowed by
    /// `source_arn`, `source_account` or `principal_org_id`, as AWS Control
    /// Tower's CT.LAMBDA.PR.2 requires. A narrowing attribute whose value is
    /// known only after apply (an API's execution ARN, say) still narrows.
    ///
    /// ## Why it matters
    /// Without it, any AWS account can invoke the function — running your
    /// code with your role's permissions, on your bill, with inputs of its
    /// choosing.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_permission" "any" {
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = aws_lambda_function.api.function_name
    ///   principal     = "*"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_permission" "apigw" {
    ///   action        = "lambda:InvokeFunction"
    ///   function_name = aws_lambda_function.api.function_name
    ///   principal     = "apigateway.amazonaws.com"
    ///   source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Name the invoking service or account in `principal`, and set
    /// `source_arn` (or `source_account` / `principal_org_id`).
    pub static LAMBDA_PUBLIC_PERMISSION = {
        id: "CW-AWS-LAMBDA-002",
        title: "Lambda function invocable by anyone",
        severity: High,
        category: "iam",
        resource_types: ["aws_lambda_permission"],
        checkov: ["CKV_AWS_301"],
        trivy: [],
        kics: ["e08ed7eb-f3ef-494d-9d22-2e3db756a347"],
        remediation: "Name the principal, or set source_arn / source_account / principal_org_id.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for p in ctx.resources(&["aws_lambda_permission"]) {
        report.checked(p);
        match get_str(p, "principal") {
            Tri::Known(principal) if principal == "*" => {}
            Tri::Unknown(why) => {
                report.unknown(p, why);
                continue;
            }
            _ => continue,
        }
        let narrowed = ["source_arn", "source_account", "principal_org_id"]
            .iter()
            .any(|a| !matches!(get(p, a), Tri::Absent));
        if !narrowed {
            report.fail(
                p,
                "principal",
                "principal = \"*\" with no source_arn, source_account or principal_org_id: any AWS account can invoke the function",
            );
        }
    }
}
