//! Lambda function settings: tracing, failure destinations, code signing,
//! runtimes, network placement, environment encryption and secrets.

use crate::check::{get, get_str, Context, Tri};
use crate::setting::{require, require_where, Absent, Setting, Want};
use crate::Report;
use cloudwright_model::Resource;

const FUNCTIONS: &[&str] = &["aws_lambda_function"];

crate::rule! {
    /// ## What it checks
    /// Functions send traces to X-Ray: `tracing_config { mode = "Active" }`
    /// (the default, `PassThrough`, only continues traces started upstream).
    ///
    /// ## Why it matters
    /// Without tracing, a slow or failing request cannot be followed through
    /// the function into the services it calls; cold starts and downstream
    /// latency stay invisible.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.12"
    ///   handler       = "app.handler"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.12"
    ///   handler       = "app.handler"
    ///   tracing_config {
    ///     mode = "Active"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `tracing_config { mode = "Active" }` and allow the role
    /// `xray:PutTraceSegments` (`AWSXRayDaemonWriteAccess`).
    pub static LAMBDA_TRACING = {
        id: "CW-AWS-LAMBDA-003",
        title: "Lambda function without active X-Ray tracing",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_50"],
        trivy: ["AVD-AWS-0066", "aws-lambda-enable-tracing"],
        kics: ["8152e0cf-d2f0-47ad-96d5-d003a76eabd1"],
        remediation: "Add tracing_config { mode = \"Active\" }.",
        check: |ctx, report| require(ctx, report, FUNCTIONS, &Setting {
            path: "tracing_config.0.mode",
            want: Want::OneOf(&["Active"]),
            absent: Absent::Fails("tracing_config is not set (the default mode is PassThrough)"),
            message: "tracing mode is PassThrough",
        }),
    }
}

fn check_failure_destination(ctx: &Context<'_>, report: &mut Report) {
    for function in ctx.resources(FUNCTIONS) {
        report.checked(function);
        match get_str(function, "dead_letter_config.0.target_arn") {
            Tri::Known(arn) if !arn.is_empty() => continue,
            Tri::Unknown(_) => continue, // a queue or topic created alongside: set
            _ => {}
        }
        let configs = ctx.companions(
            function,
            "aws_lambda_function_event_invoke_config",
            "function_name",
            &["function_name", "arn"],
        );
        match configs {
            Tri::Known(list) => {
                let mut undecided = None;
                let mut found = false;
                for c in list {
                    if let Tri::Unknown(why) = get(c, "destination_config") {
                        undecided.get_or_insert(why);
                        continue;
                    }
                    // a destination known only after apply (a queue's ARN) is set
                    if !matches!(
                        get(c, "destination_config.0.on_failure.0.destination"),
                        Tri::Absent
                    ) {
                        found = true;
                    }
                }
                if found {
                    continue;
                }
                match undecided {
                    Some(why) => report.unknown(function, why),
                    None => {
                        report.fail(function, "", "failed asynchronous invocations are dropped: no dead_letter_config and no on_failure destination");
                    }
                }
            }
            Tri::Unknown(why) => report.unknown(function, why),
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Functions keep the events they fail to process: a
    /// `dead_letter_config` with a `target_arn` (SQS queue or SNS topic), or
    /// an `aws_lambda_function_event_invoke_config` for the function with a
    /// `destination_config.on_failure` destination.
    ///
    /// ## Why it matters
    /// After its retries, Lambda discards an asynchronous event that keeps
    /// failing — an S3 notification, an EventBridge event, an SNS message.
    /// Without a dead-letter queue or failure destination that data is lost
    /// silently.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "ingest" {
    ///   function_name = "ingest"
    ///   role          = aws_iam_role.ingest.arn
    ///   runtime       = "nodejs22.x"
    ///   handler       = "index.handler"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "ingest" {
    ///   function_name = "ingest"
    ///   role          = aws_iam_role.ingest.arn
    ///   runtime       = "nodejs22.x"
    ///   handler       = "index.handler"
    ///   dead_letter_config {
    ///     target_arn = aws_sqs_queue.ingest_dlq.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a `dead_letter_config`, or an event invoke config with an
    /// `on_failure` destination, and alarm on its depth. Functions invoked
    /// only synchronously can suppress this rule.
    pub static LAMBDA_DLQ = {
        id: "CW-AWS-LAMBDA-004",
        title: "Lambda function drops failed asynchronous events",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_lambda_function", "aws_lambda_function_event_invoke_config"],
        checkov: ["CKV_AWS_116"],
        trivy: [],
        kics: ["720f44cf-285e-4b69-8f72-835e6bc1dceb"],
        remediation: "Add dead_letter_config or an on_failure destination.",
        check: check_failure_destination,
    }
}

crate::rule! {
    /// ## What it checks
    /// Functions deployed from a .zip package verify code signatures:
    /// `code_signing_config_arn` is set. Container-image functions
    /// (`package_type = "Image"`) do not support code signing and are not
    /// checked.
    ///
    /// ## Why it matters
    /// With a code-signing configuration that enforces signatures, Lambda
    /// refuses code that was not signed by a trusted publisher — a stolen
    /// deploy credential can no longer push arbitrary code.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   filename      = "api.zip"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.12"
    ///   handler       = "app.handler"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name           = "api"
    ///   filename                = "api.zip"
    ///   role                    = aws_iam_role.api.arn
    ///   runtime                 = "python3.12"
    ///   handler                 = "app.handler"
    ///   code_signing_config_arn = aws_lambda_code_signing_config.main.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create an `aws_lambda_code_signing_config` with a Signer profile and
    /// `untrusted_artifact_on_deployment = "Enforce"`, and reference it.
    pub static LAMBDA_CODE_SIGNING = {
        id: "CW-AWS-LAMBDA-005",
        title: "Lambda function without code signing",
        severity: Low,
        category: "supply-chain",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_272"],
        trivy: [],
        kics: [],
        remediation: "Set code_signing_config_arn to a signing config that enforces signatures.",
        check: |ctx, report| require_where(
            ctx,
            report,
            FUNCTIONS,
            |r| match get_str(r, "package_type") {
                Tri::Known(t) => Tri::Known(t != "Image"),
                Tri::Absent => Tri::Known(true),
                Tri::Unknown(why) => Tri::Unknown(why),
            },
            &Setting {
                path: "code_signing_config_arn",
                want: Want::NonEmpty,
                absent: Absent::Fails("no code_signing_config_arn: unsigned code is accepted"),
                message: "code_signing_config_arn is empty",
            },
        ),
    }
}

/// Runtimes AWS has deprecated (no security patches; creation blocked),
/// as of November 2026.
const DEPRECATED_RUNTIMES: &[&str] = &[
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet5.0",
    "dotnet6",
    "dotnet7",
    "java8",
    "go1.x",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "provided",
];

crate::rule! {
    /// ## What it checks
    /// Functions do not use a runtime AWS has deprecated: Python ≤ 3.9,
    /// Node.js ≤ 20, .NET Core / .NET ≤ 7, Java 8 on Amazon Linux 1
    /// (`java8`), `go1.x`, Ruby ≤ 3.2 and `provided` (Amazon Linux 1), as of
    /// November 2026. Container-image functions have no `runtime` and are not
    /// checked.
    ///
    /// ## Why it matters
    /// A deprecated runtime gets no security patches for the language or
    /// the operating system beneath it, and AWS blocks creating — later
    /// updating — functions on it, which turns an urgent fix into a runtime
    /// migration.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.8"
    ///   handler       = "app.handler"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.13"
    ///   handler       = "app.handler"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Move to a supported runtime (`python3.13`, `nodejs22.x`, `java21`,
    /// `dotnet8`, `ruby3.4`, `provided.al2023`) and test the function on it.
    pub static LAMBDA_DEPRECATED_RUNTIME = {
        id: "CW-AWS-LAMBDA-006",
        title: "Lambda function on a deprecated runtime",
        severity: Medium,
        category: "patching",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_363"],
        trivy: [],
        kics: [],
        remediation: "Upgrade runtime to a supported version.",
        check: |ctx, report| require(ctx, report, FUNCTIONS, &Setting {
            path: "runtime",
            want: Want::NoneOf(DEPRECATED_RUNTIMES),
            absent: Absent::Passes,
            message: "the runtime is deprecated and no longer patched",
        }),
    }
}

/// Resource types that are data stores reached over the VPC network.
const VPC_DATA_STORES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_memorydb_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_msk_cluster",
    "aws_efs_file_system",
    "aws_efs_access_point",
];

/// The first VPC data store the function's configuration refers to.
fn data_store_reference(ctx: &Context<'_>, f: &Resource) -> Option<String> {
    f.references.iter().find_map(|r| {
        let target = ctx.graph.resource_in(&f.root, &r.target)?;
        VPC_DATA_STORES
            .contains(&target.resource_type.as_str())
            .then(|| target.address.to_string())
    })
}

fn check_vpc(ctx: &Context<'_>, report: &mut Report) {
    for function in ctx.resources(FUNCTIONS) {
        let Some(store) = data_store_reference(ctx, function) else {
            continue;
        };
        report.checked(function);
        match get(function, "vpc_config.0.subnet_ids") {
            Tri::Known(v) if v.as_list().is_some_and(|l| !l.is_empty()) => {}
            Tri::Unknown(why) => report.unknown(function, why),
            _ => {
                report.fail(function, "", format!("the function uses {store} but runs outside any VPC, so the data store must be reachable from outside it"));
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Functions that use a VPC data store — their configuration refers to
    /// an RDS/Aurora database, ElastiCache, MemoryDB, DocumentDB, Neptune,
    /// Redshift, OpenSearch, MSK or EFS resource, typically its endpoint in
    /// an environment variable — run inside a VPC (`vpc_config` with
    /// `subnet_ids`). Functions that touch no such store are not checked.
    ///
    /// ## Why it matters
    /// A function outside the VPC reaches the store over the internet, so
    /// the store must be publicly reachable (or the connection fails); in
    /// the VPC, security groups can admit exactly the function.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "orders" {
    ///   function_name = "orders"
    ///   role          = aws_iam_role.orders.arn
    ///   runtime       = "python3.13"
    ///   handler       = "app.handler"
    ///   environment {
    ///     variables = { DB_HOST = aws_db_instance.orders.address }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "orders" {
    ///   function_name = "orders"
    ///   role          = aws_iam_role.orders.arn
    ///   runtime       = "python3.13"
    ///   handler       = "app.handler"
    ///   environment {
    ///     variables = { DB_HOST = aws_db_instance.orders.address }
    ///   }
    ///   vpc_config {
    ///     subnet_ids         = var.private_subnet_ids
    ///     security_group_ids = [aws_security_group.orders_fn.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `vpc_config` with private subnets and a security group the data
    /// store admits; give the role `AWSLambdaVPCAccessExecutionRole`.
    pub static LAMBDA_DATA_STORE_OUTSIDE_VPC = {
        id: "CW-AWS-LAMBDA-007",
        title: "Lambda function uses a VPC data store from outside the VPC",
        severity: Medium,
        category: "network",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_117"],
        trivy: [],
        kics: [],
        remediation: "Add vpc_config with private subnets and a security group.",
        check: check_vpc,
    }
}

fn check_env_secrets(ctx: &Context<'_>, report: &mut Report) {
    for function in ctx.resources(FUNCTIONS) {
        let vars = match get(function, "environment.0.variables") {
            Tri::Known(v) => v,
            Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.checked(function);
                report.unknown(function, why);
                continue;
            }
        };
        report.checked(function);
        let Some(obj) = vars.as_object() else {
            continue;
        };
        let mut found = None;
        for (name, value) in obj.fields().iter() {
            if let Some(text) = value.strip().as_str() {
                if let Some(kind) = crate::aws::secrets::secret_in_env(name, text) {
                    found = Some((name.to_string(), kind));
                    break;
                }
            }
        }
        if let Some((name, kind)) = found {
            report
                .fail(
                    function,
                    "environment[0].variables",
                    format!("environment variable `{name}` holds {kind} (value not shown)"),
                )
                .evidence
                .clear();
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Function environment variables do not hold secrets: a variable named
    /// like a password, token or key with a literal value, or any variable
    /// holding an AWS access key or private key. Values are never printed.
    ///
    /// ## Why it matters
    /// Environment variables are returned by `lambda:GetFunctionConfiguration`
    /// to anyone with read access, are stored in every published version,
    /// and sit in the repository with the Terraform code.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.13"
    ///   handler       = "app.handler"
    ///   environment {
    ///     variables = { STRIPE_API_KEY = "sk_live_…" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   runtime       = "python3.13"
    ///   handler       = "app.handler"
    ///   environment {
    ///     variables = { STRIPE_API_KEY_ARN = aws_secretsmanager_secret.stripe.arn }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Store the value in Secrets Manager or SSM Parameter Store, pass its
    /// ARN, and read it at start-up (or use the Parameters and Secrets
    /// extension); rotate the exposed value.
    pub static LAMBDA_ENV_SECRETS = {
        id: "CW-AWS-LAMBDA-008",
        title: "Lambda function with a secret in its environment variables",
        severity: High,
        category: "secrets",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_45"],
        trivy: [],
        kics: [],
        remediation: "Keep the secret in Secrets Manager/SSM and pass its ARN.",
        check: check_env_secrets,
    }
}

crate::rule! {
    /// ## What it checks
    /// Functions with environment variables encrypt them with a customer
    /// managed KMS key: `kms_key_arn` is set when `environment.variables`
    /// is not empty.
    ///
    /// ## Why it matters
    /// With the default `aws/lambda` key, anyone who may read the function's
    /// configuration sees the variables decrypted. A customer managed key
    /// adds its key policy in front of them and logs their decryption.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   environment {
    ///     variables = { TABLE = "orders" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lambda_function" "api" {
    ///   function_name = "api"
    ///   role          = aws_iam_role.api.arn
    ///   kms_key_arn   = aws_kms_key.lambda.arn
    ///   environment {
    ///     variables = { TABLE = "orders" }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_arn`; the function's role needs `kms:Decrypt` on it.
    pub static LAMBDA_ENV_CMK = {
        id: "CW-AWS-LAMBDA-009",
        title: "Lambda environment variables not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_lambda_function"],
        checkov: ["CKV_AWS_173"],
        trivy: [],
        kics: [],
        remediation: "Set kms_key_arn to a customer managed KMS key.",
        check: |ctx, report| require_where(
            ctx,
            report,
            FUNCTIONS,
            |f| match get(f, "environment.0.variables") {
                Tri::Known(v) => Tri::Known(v.as_object().is_some_and(|o| !o.fields().is_empty())),
                Tri::Absent => Tri::Known(false),
                Tri::Unknown(why) => Tri::Unknown(why),
            },
            &Setting {
                path: "kms_key_arn",
                want: Want::NonEmpty,
                absent: Absent::Fails("kms_key_arn is not set: environment variables use the AWS managed aws/lambda key"),
                message: "kms_key_arn is empty",
            },
        ),
    }
}
