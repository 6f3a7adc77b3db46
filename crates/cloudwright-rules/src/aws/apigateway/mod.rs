//! Amazon API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2).

use crate::check::{get, get_bool, get_str, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &APIGW_ACCESS_LOGS,
        &APIGW_TRACING,
        &APIGW_METHOD_AUTH,
        &APIGW_CACHE_ENCRYPTION,
        &APIGW_DOMAIN_TLS,
        &APIGW_ROUTE_AUTH,
        &APIGW_WAF,
    ]
}

const STAGES: &[&str] = &["aws_api_gateway_stage", "aws_apigatewayv2_stage"];

crate::rule! {
    /// ## What it checks
    /// API stages write access logs: `access_log_settings` with a
    /// `destination_arn` on `aws_api_gateway_stage` and
    /// `aws_apigatewayv2_stage`.
    ///
    /// ## Why it matters
    /// Access logs record who called which route, from where, with what
    /// result — the basis for investigating abuse, credential stuffing or a
    /// leaked API key. Execution logs alone do not identify callers.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name    = "prod"
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   deployment_id = aws_api_gateway_deployment.api.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name    = "prod"
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   deployment_id = aws_api_gateway_deployment.api.id
    ///   access_log_settings {
    ///     destination_arn = aws_cloudwatch_log_group.api.arn
    ///     format          = jsonencode({ requestId = "$context.requestId", ip = "$context.identity.sourceIp" })
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `access_log_settings` with a CloudWatch log group (or Firehose
    /// stream) and a format that includes the caller's identity and IP.
    pub static APIGW_ACCESS_LOGS = {
        id: "CW-AWS-APIGW-001",
        title: "API Gateway stage without access logs",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_api_gateway_stage", "aws_apigatewayv2_stage"],
        checkov: ["CKV_AWS_76"],
        trivy: ["AVD-AWS-0001", "aws-api-gateway-enable-access-logging"],
        kics: ["1b6799eb-4a7a-4b04-9001-8cceb9999326"],
        remediation: "Add access_log_settings with a destination_arn.",
        check: |ctx, report| require(ctx, report, STAGES, &Setting {
            path: "access_log_settings.0.destination_arn",
            want: Want::NonEmpty,
            absent: Absent::Fails("no access_log_settings: calls to the stage are not logged"),
            message: "access_log_settings has no destination",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// REST API stages trace requests with X-Ray:
    /// `xray_tracing_enabled = true` on `aws_api_gateway_stage` (default
    /// `false`).
    ///
    /// ## Why it matters
    /// Tracing follows a request from the API into the functions and
    /// services behind it, showing where latency and errors come from.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name    = "prod"
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   deployment_id = aws_api_gateway_deployment.api.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name           = "prod"
    ///   rest_api_id          = aws_api_gateway_rest_api.api.id
    ///   deployment_id        = aws_api_gateway_deployment.api.id
    ///   xray_tracing_enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `xray_tracing_enabled = true`.
    pub static APIGW_TRACING = {
        id: "CW-AWS-APIGW-002",
        title: "API Gateway stage without X-Ray tracing",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_api_gateway_stage"],
        checkov: ["CKV_AWS_73"],
        trivy: ["AVD-AWS-0003", "aws-api-gateway-enable-tracing"],
        kics: ["5813ef56-fa94-406a-b35d-977d4a56ff2b"],
        remediation: "Set xray_tracing_enabled = true.",
        check: |ctx, report| require(ctx, report, &["aws_api_gateway_stage"], &Setting {
            path: "xray_tracing_enabled",
            want: Want::True,
            absent: Absent::Fails("xray_tracing_enabled is not set (the default is false)"),
            message: "X-Ray tracing is off",
        }),
    }
}

fn check_method_auth(ctx: &Context<'_>, report: &mut Report) {
    for method in ctx.resources(&["aws_api_gateway_method"]) {
        match get_str(method, "http_method") {
            // CORS preflight requests carry no credentials
            Tri::Known(m) if m.eq_ignore_ascii_case("OPTIONS") => continue,
            Tri::Unknown(why) => {
                report.checked(method);
                report.unknown(method, why);
                continue;
            }
            _ => {}
        }
        report.checked(method);
        let api_key = get_bool(method, "api_key_required");
        match (get_str(method, "authorization"), api_key) {
            (_, Tri::Known(true)) => {}
            (Tri::Known(a), Tri::Known(false) | Tri::Absent) if a.eq_ignore_ascii_case("NONE") => {
                report.fail(method, "authorization", "anyone who can reach the API can call this method: no authorizer and no API key");
            }
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(method, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// REST API methods require the caller to authenticate:
    /// `aws_api_gateway_method` with `authorization = "NONE"` and no
    /// `api_key_required = true` fails. `OPTIONS` methods (CORS preflight)
    /// are not checked.
    ///
    /// ## Why it matters
    /// An unauthenticated method lets anyone on the internet invoke the
    /// integration behind it — a Lambda function, a database query, a
    /// backend service — and run up its cost.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_method" "orders" {
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   resource_id   = aws_api_gateway_resource.orders.id
    ///   http_method   = "POST"
    ///   authorization = "NONE"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_method" "orders" {
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   resource_id   = aws_api_gateway_resource.orders.id
    ///   http_method   = "POST"
    ///   authorization = "COGNITO_USER_POOLS"
    ///   authorizer_id = aws_api_gateway_authorizer.cognito.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `AWS_IAM`, a Cognito or Lambda authorizer; for a deliberately
    /// public method, suppress the finding with the reason.
    pub static APIGW_METHOD_AUTH = {
        id: "CW-AWS-APIGW-003",
        title: "API Gateway method without authorization",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_api_gateway_method"],
        checkov: ["CKV_AWS_59"],
        trivy: ["AVD-AWS-0004", "aws-api-gateway-no-public-access"],
        kics: ["15ccec05-5476-4890-ad19-53991eba1db8"],
        remediation: "Set authorization to AWS_IAM, COGNITO_USER_POOLS or CUSTOM.",
        check: check_method_auth,
    }
}

fn check_cache_encryption(ctx: &Context<'_>, report: &mut Report) {
    for settings in ctx.resources(&["aws_api_gateway_method_settings"]) {
        match get(settings, "settings.0.caching_enabled").boolean() {
            Tri::Known(true) => {}
            Tri::Unknown(why) => {
                report.checked(settings);
                report.unknown(settings, why);
                continue;
            }
            _ => continue,
        }
        report.checked(settings);
        match get_bool(settings, "settings.0.cache_data_encrypted") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    settings,
                    "settings[0].cache_data_encrypted",
                    "cached responses are stored unencrypted",
                );
            }
            Tri::Absent => {
                report.fail(
                    settings,
                    "settings[0].caching_enabled",
                    "caching is on and cache_data_encrypted is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(settings, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Where REST API caching is on (`aws_api_gateway_method_settings` with
    /// `settings.caching_enabled = true`), the cache is encrypted:
    /// `settings.cache_data_encrypted = true` (default `false`).
    ///
    /// ## Why it matters
    /// The cache holds copies of API responses — often personal or
    /// account data — for their time to live.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_method_settings" "all" {
    ///   rest_api_id = aws_api_gateway_rest_api.api.id
    ///   stage_name  = aws_api_gateway_stage.prod.stage_name
    ///   method_path = "*/*"
    ///   settings {
    ///     caching_enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_method_settings" "all" {
    ///   rest_api_id = aws_api_gateway_rest_api.api.id
    ///   stage_name  = aws_api_gateway_stage.prod.stage_name
    ///   method_path = "*/*"
    ///   settings {
    ///     caching_enabled      = true
    ///     cache_data_encrypted = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `cache_data_encrypted = true`.
    pub static APIGW_CACHE_ENCRYPTION = {
        id: "CW-AWS-APIGW-004",
        title: "API Gateway cache not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_api_gateway_method_settings"],
        checkov: ["CKV_AWS_308"],
        trivy: ["AVD-AWS-0002", "aws-api-gateway-enable-cache-encryption"],
        kics: ["b7c9a40c-23e4-4a2d-8d39-a3352f10f288"],
        remediation: "Set settings.cache_data_encrypted = true.",
        check: check_cache_encryption,
    }
}

crate::rule! {
    /// ## What it checks
    /// REST API custom domains accept TLS 1.2 or later only:
    /// `security_policy` on `aws_api_gateway_domain_name` is `TLS_1_2` (or
    /// one of the newer `SecurityPolicy_TLS13_…` / `…TLS12…` policies).
    /// When it is not set the domain uses `TLS_1_0`. (HTTP API domains,
    /// `aws_apigatewayv2_domain_name`, only offer `TLS_1_2`.)
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996) and allow downgrade
    /// attacks and weak ciphers.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_domain_name" "api" {
    ///   domain_name              = "api.example.com"
    ///   regional_certificate_arn = aws_acm_certificate.api.arn
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_domain_name" "api" {
    ///   domain_name              = "api.example.com"
    ///   regional_certificate_arn = aws_acm_certificate.api.arn
    ///   security_policy          = "TLS_1_2"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `security_policy = "TLS_1_2"`.
    pub static APIGW_DOMAIN_TLS = {
        id: "CW-AWS-APIGW-005",
        title: "API Gateway domain accepts TLS older than 1.2",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_api_gateway_domain_name"],
        checkov: ["CKV_AWS_206"],
        trivy: ["AVD-AWS-0005", "aws-api-gateway-use-secure-tls-policy"],
        kics: ["4e1cc5d3-2811-4fb2-861c-ee9b3cb7f90b"],
        remediation: "Set security_policy = \"TLS_1_2\".",
        check: |ctx, report| require(ctx, report, &["aws_api_gateway_domain_name"], &Setting {
            path: "security_policy",
            want: Want::NoneOf(&["TLS_1_0"]),
            absent: Absent::Fails("security_policy is not set, so the domain accepts TLS 1.0"),
            message: "the domain accepts TLS 1.0 and 1.1",
        }),
    }
}

fn check_route_auth(ctx: &Context<'_>, report: &mut Report) {
    for route in ctx.resources(&["aws_apigatewayv2_route"]) {
        // WebSocket APIs authorize on $connect only; other routes cannot
        // carry an authorizer
        let websocket = match ctx.referenced(route, "api_id", "aws_apigatewayv2_api", "id") {
            Tri::Known(Some(api)) => {
                get_str(api, "protocol_type").map(|p| p.eq_ignore_ascii_case("WEBSOCKET"))
            }
            _ => Tri::Absent,
        };
        let route_key = get_str(route, "route_key");
        match (route_key.clone(), websocket) {
            (Tri::Known(key), Tri::Known(true)) if key != "$connect" => continue,
            (Tri::Known(key), _) if key.starts_with("OPTIONS ") || key == "$disconnect" => continue,
            (Tri::Known(key), Tri::Absent)
                if key.starts_with('$') && key != "$connect" && key != "$default" =>
            {
                continue
            }
            (Tri::Known(key), Tri::Absent) if !key.starts_with('$') && !key.contains(' ') => {
                // a custom WebSocket route key
                continue;
            }
            _ => {}
        }
        report.checked(route);
        let key = get_str(route, "api_key_required");
        if key == Tri::Known("true".into()) {
            continue;
        }
        // a route key the code does not determine may be one that cannot
        // carry an authorizer
        if let Tri::Unknown(why) = route_key {
            if !matches!(get_str(route, "authorization_type"), Tri::Known(t) if !t.eq_ignore_ascii_case("NONE"))
            {
                report.unknown(route, format!("route_key is {why}"));
            }
            continue;
        }
        match get_str(route, "authorization_type") {
            Tri::Known(t) if !t.eq_ignore_ascii_case("NONE") => {}
            Tri::Known(_) => {
                report.fail(
                    route,
                    "authorization_type",
                    "the route accepts unauthenticated calls",
                );
            }
            Tri::Absent => {
                report.fail(route, "", "authorization_type is not set (the default is NONE): the route accepts unauthenticated calls");
            }
            Tri::Unknown(why) => report.unknown(route, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// HTTP and WebSocket API routes require authorization:
    /// `authorization_type` on `aws_apigatewayv2_route` is `AWS_IAM`, `JWT`
    /// or `CUSTOM` (the default is `NONE`), or an API key is required.
    /// WebSocket APIs authorize on `$connect` only, so their other routes,
    /// `$disconnect` and `OPTIONS` (CORS preflight) routes are not checked.
    ///
    /// ## Why it matters
    /// An open route lets anyone invoke the integration behind it; for a
    /// WebSocket API, anyone can connect and hold connections open.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_apigatewayv2_route" "orders" {
    ///   api_id    = aws_apigatewayv2_api.http.id
    ///   route_key = "POST /orders"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_apigatewayv2_route" "orders" {
    ///   api_id             = aws_apigatewayv2_api.http.id
    ///   route_key          = "POST /orders"
    ///   authorization_type = "JWT"
    ///   authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Attach a JWT, Lambda (`CUSTOM`) or IAM authorizer.
    pub static APIGW_ROUTE_AUTH = {
        id: "CW-AWS-APIGW-006",
        title: "API Gateway v2 route without authorization",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_apigatewayv2_route"],
        checkov: ["CKV_AWS_309"],
        trivy: [],
        kics: [],
        remediation: "Set authorization_type to JWT, CUSTOM or AWS_IAM.",
        check: check_route_auth,
    }
}

fn check_waf(ctx: &Context<'_>, report: &mut Report) {
    for stage in ctx.resources(&["aws_api_gateway_stage"]) {
        report.checked(stage);
        if let Tri::Known(arn) = get_str(stage, "web_acl_arn") {
            if !arn.is_empty() {
                continue;
            }
        }
        match ctx.waf_associated(stage) {
            Tri::Known(true) => {}
            Tri::Known(false) | Tri::Absent => {
                report.fail(stage, "", "no WAF web ACL is associated with the stage");
            }
            Tri::Unknown(why) => report.unknown(stage, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// REST API stages are protected by AWS WAF: an
    /// `aws_wafv2_web_acl_association` whose `resource_arn` is the stage's
    /// ARN (matched by reference or value).
    ///
    /// ## Why it matters
    /// A WAF in front of the API blocks injection payloads, known bad
    /// inputs and bots, and rate-limits abusive clients before they reach
    /// the integration.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name    = "prod"
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   deployment_id = aws_api_gateway_deployment.api.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_api_gateway_stage" "prod" {
    ///   stage_name    = "prod"
    ///   rest_api_id   = aws_api_gateway_rest_api.api.id
    ///   deployment_id = aws_api_gateway_deployment.api.id
    /// }
    /// resource "aws_wafv2_web_acl_association" "prod" {
    ///   resource_arn = aws_api_gateway_stage.prod.arn
    ///   web_acl_arn  = aws_wafv2_web_acl.api.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Associate a regional WAFv2 web ACL with the stage (with the AWS
    /// managed core and known-bad-inputs rule groups).
    pub static APIGW_WAF = {
        id: "CW-AWS-APIGW-007",
        title: "API Gateway stage without WAF",
        severity: Medium,
        category: "network",
        resource_types: ["aws_api_gateway_stage", "aws_wafv2_web_acl_association"],
        checkov: ["CKV2_AWS_29"],
        trivy: [],
        kics: ["a186e82c-1078-4a7b-85d8-579561fde884"],
        remediation: "Associate a WAFv2 web ACL with the stage.",
        check: check_waf,
    }
}
