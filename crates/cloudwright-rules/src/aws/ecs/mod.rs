//! Amazon ECS: task definitions (their container definitions, read from the
//! JSON document whether written as text or `jsonencode`), services and
//! clusters.

use crate::check::{get, get_document, get_str, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};
use cloudwright_model::{Resource, Value};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &ECS_PRIVILEGED,
        &ECS_READONLY_ROOT,
        &ECS_PLAINTEXT_SECRETS,
        &ECS_CONTAINER_INSIGHTS,
        &ECS_HOST_NAMESPACES,
        &ECS_EFS_TRANSIT,
        &ECS_PUBLIC_IP,
        &ECS_SAME_ROLES,
        &ECS_TASK_ROLE,
        &ECS_AWSVPC,
    ]
}

const TASKS: &[&str] = &["aws_ecs_task_definition"];

/// The containers of a task definition.
fn containers(r: &Resource) -> Tri<Vec<Value>> {
    match get_document(r, "container_definitions") {
        Tri::Known(v) => match v.strip() {
            Value::List(items) => Tri::Known(items.to_vec()),
            Value::Unknown(_) => {
                Tri::Unknown(format!("the container definitions are {}", v.why_unknown()))
            }
            _ => Tri::Absent,
        },
        Tri::Absent => Tri::Absent,
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

fn container_name(c: &Value) -> String {
    c.get("name")
        .and_then(|n| n.as_str().map(str::to_string))
        .unwrap_or_else(|| "(unnamed)".to_string())
}

/// Reports, for each task definition, the containers for which `bad`
/// holds: `Known(true)` is a failure, unknown makes the task undecidable.
fn check_containers(
    ctx: &Context<'_>,
    report: &mut Report,
    bad: impl Fn(&Value) -> Tri<bool>,
    message: impl Fn(&[String]) -> String,
) {
    for task in ctx.resources(TASKS) {
        report.checked(task);
        let list = match containers(task) {
            Tri::Known(list) => list,
            Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.unknown(task, why);
                continue;
            }
        };
        let mut failing = Vec::new();
        let mut undecided = None;
        for c in &list {
            match bad(c) {
                Tri::Known(true) => failing.push(container_name(c)),
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if !failing.is_empty() {
            report
                .fail(task, "container_definitions", message(&failing))
                .evidence
                .clear();
        } else if let Some(why) = undecided {
            report.unknown(task, why);
        }
    }
}

/// A boolean field of a container, three-valued.
fn flag(c: &Value, key: &str) -> Tri<bool> {
    match c.get(key) {
        None => Tri::Absent,
        Some(v) if v.is_unknown() => Tri::Unknown(format!("`{key}` is {}", v.why_unknown())),
        Some(v) if v.is_null() => Tri::Absent,
        Some(v) => v.as_bool().map_or(Tri::Absent, Tri::Known),
    }
}

fn names(list: &[String]) -> String {
    list.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

crate::rule! {
    /// ## What it checks
    /// No container of an `aws_ecs_task_definition` runs privileged
    /// (`"privileged": true` in `container_definitions`).
    ///
    /// ## Why it matters
    /// A privileged container has every Linux capability and the host's
    /// devices: escaping to the EC2 host — and to every other task and the
    /// instance role on it — is a short step.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{
    ///     name = "app", image = "app:1", privileged = true
    ///   }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{
    ///     name = "app", image = "app:1"
    ///   }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `privileged`; grant the specific capability the container
    /// needs with `linuxParameters.capabilities.add`.
    pub static ECS_PRIVILEGED = {
        id: "CW-AWS-ECS-001",
        title: "ECS container runs privileged",
        severity: High,
        category: "compute",
        resource_types: ["aws_ecs_task_definition"],
        checkov: ["CKV_AWS_334"],
        trivy: [],
        kics: [],
        remediation: "Remove \"privileged\": true; add only the capabilities needed.",
        check: |ctx, report| check_containers(
            ctx,
            report,
            |c| flag(c, "privileged"),
            |list| format!("container {} runs privileged", names(list)),
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Every container of an `aws_ecs_task_definition` has a read-only root
    /// file system (`"readonlyRootFilesystem": true`; the default is
    /// writable).
    ///
    /// ## Why it matters
    /// A writable root file system lets an attacker who gets code execution
    /// drop tools and persist changes to the image's binaries. Read-only
    /// roots, with writable volumes only where the application needs them,
    /// close that off.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{
    ///     name = "app", image = "app:1", readonlyRootFilesystem = true
    ///   }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `readonlyRootFilesystem = true` and mount a volume (or
    /// `tmpfs`) where the application writes.
    pub static ECS_READONLY_ROOT = {
        id: "CW-AWS-ECS-002",
        title: "ECS container with a writable root file system",
        severity: Low,
        category: "compute",
        resource_types: ["aws_ecs_task_definition"],
        checkov: ["CKV_AWS_336"],
        trivy: [],
        kics: [],
        remediation: "Set \"readonlyRootFilesystem\": true for each container.",
        check: |ctx, report| check_containers(
            ctx,
            report,
            |c| match flag(c, "readonlyRootFilesystem") {
                Tri::Known(ro) => Tri::Known(!ro),
                Tri::Absent => Tri::Known(true),
                Tri::Unknown(why) => Tri::Unknown(why),
            },
            |list| format!("container {} can write to its root file system", names(list)),
        ),
    }
}

/// The environment variables of a container that hold secrets, by name.
fn env_secrets(c: &Value) -> Tri<bool> {
    let Some(env) = c.get("environment") else {
        return Tri::Known(false);
    };
    if env.is_unknown() {
        return Tri::Unknown(format!(
            "the container's environment is {}",
            env.why_unknown()
        ));
    }
    for entry in env.as_list().unwrap_or_default() {
        let name = entry.get("name");
        let value = entry.get("value");
        if let (Some(name), Some(value)) = (
            name.as_ref().and_then(|n| n.as_str()),
            value.as_ref().and_then(|v| v.as_str()),
        ) {
            if crate::aws::secrets::secret_in_env(name, value).is_some() {
                return Tri::Known(true);
            }
        }
    }
    Tri::Known(false)
}

crate::rule! {
    /// ## What it checks
    /// Container definitions do not put secrets in plain `environment`
    /// variables: a variable named like a password, token or key
    /// (`DB_PASSWORD`, `API_KEY`) with a literal value, or any variable
    /// holding an AWS access key or private key. Values are never printed.
    ///
    /// ## Why it matters
    /// Plain environment values are stored in the task definition, visible
    /// to anyone with `ecs:DescribeTaskDefinition`, kept in every revision
    /// forever, and committed to the repository with the Terraform code.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{
    ///     name        = "app"
    ///     image       = "app:1"
    ///     environment = [{ name = "DB_PASSWORD", value = "s3cr3t-value" }]
    ///   }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family = "app"
    ///   container_definitions = jsonencode([{
    ///     name    = "app"
    ///     image   = "app:1"
    ///     secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    ///   }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Move the value to Secrets Manager or SSM Parameter Store and pass it
    /// with `secrets` / `valueFrom`; rotate the exposed value.
    pub static ECS_PLAINTEXT_SECRETS = {
        id: "CW-AWS-ECS-003",
        title: "ECS container with a secret in plain environment variables",
        severity: High,
        category: "secrets",
        resource_types: ["aws_ecs_task_definition"],
        checkov: [],
        trivy: ["AVD-AWS-0036", "aws-ecs-no-plaintext-secrets"],
        kics: [],
        remediation: "Pass secrets with \"secrets\"/\"valueFrom\" from Secrets Manager or SSM.",
        check: |ctx, report| check_containers(
            ctx,
            report,
            env_secrets,
            |list| format!("container {} has a secret in a plain environment variable (value not shown)", names(list)),
        ),
    }
}

/// Container Insights from the cluster's `setting` blocks: `Some(true)`
/// when `containerInsights` is `enabled` or `enhanced`, `None` when unset.
fn insights(cluster: &Resource) -> Tri<Option<bool>> {
    let settings = match get(cluster, "setting") {
        Tri::Known(v) => v,
        Tri::Absent => return Tri::Known(None),
        Tri::Unknown(why) => return Tri::Unknown(why),
    };
    for s in settings.as_list().unwrap_or_default() {
        let name = s.get("name");
        match name.as_ref() {
            Some(n) if n.is_unknown() => {
                return Tri::Unknown(format!("a setting name is {}", n.why_unknown()))
            }
            Some(n) if n.as_str() == Some("containerInsights") => {
                return match s.get("value") {
                    Some(v) if v.is_unknown() => {
                        Tri::Unknown(format!("containerInsights is {}", v.why_unknown()))
                    }
                    Some(v) => Tri::Known(Some(matches!(v.as_str(), Some("enabled" | "enhanced")))),
                    None => Tri::Known(Some(false)),
                };
            }
            _ => {}
        }
    }
    Tri::Known(None)
}

fn check_insights(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(&["aws_ecs_cluster"]) {
        report.checked(cluster);
        match insights(cluster) {
            Tri::Known(Some(true)) => {}
            Tri::Known(Some(false)) => {
                report.fail(cluster, "setting", "Container Insights is disabled");
            }
            Tri::Known(None) | Tri::Absent => {
                // the account default, when this configuration sets it
                let account_default = ctx
                    .resources(&["aws_ecs_account_setting_default"])
                    .filter(|s| s.root == cluster.root)
                    .find(
                        |s| matches!(get_str(s, "name"), Tri::Known(n) if n == "containerInsights"),
                    )
                    .map(|s| get_str(s, "value"));
                match account_default {
                    Some(Tri::Known(v)) if v == "enabled" || v == "enhanced" => {}
                    Some(Tri::Unknown(why)) => report.unknown(cluster, why),
                    _ => {
                        report.fail(
                            cluster,
                            "",
                            "Container Insights is not enabled (no containerInsights setting)",
                        );
                    }
                }
            }
            Tri::Unknown(why) => report.unknown(cluster, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// ECS clusters collect Container Insights: a `setting` block with
    /// `name = "containerInsights"` and `value = "enabled"` (or
    /// `"enhanced"`), or an `aws_ecs_account_setting_default` in the same
    /// configuration that turns it on for the account.
    ///
    /// ## Why it matters
    /// Without Container Insights there are no per-task CPU, memory and
    /// network metrics, and restarts and failed deployments go unnoticed
    /// until users notice them.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_cluster" "main" {
    ///   name = "main"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_cluster" "main" {
    ///   name = "main"
    ///   setting {
    ///     name  = "containerInsights"
    ///     value = "enabled"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add the `containerInsights` setting to the cluster.
    pub static ECS_CONTAINER_INSIGHTS = {
        id: "CW-AWS-ECS-004",
        title: "ECS cluster without Container Insights",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_ecs_cluster", "aws_ecs_account_setting_default"],
        checkov: ["CKV_AWS_65"],
        trivy: ["AVD-AWS-0034", "aws-ecs-enable-container-insight"],
        kics: [],
        remediation: "Add setting { name = \"containerInsights\", value = \"enabled\" }.",
        check: check_insights,
    }
}

fn check_host_namespaces(ctx: &Context<'_>, report: &mut Report) {
    for task in ctx.resources(TASKS) {
        report.checked(task);
        let mut undecided = None;
        let mut failed = false;
        for field in ["pid_mode", "ipc_mode"] {
            match get_str(task, field) {
                Tri::Known(mode) if mode == "host" => {
                    report.fail(
                        task,
                        field,
                        format!(
                            "{field} = \"host\": containers share the host's {} namespace",
                            &field[..3]
                        ),
                    );
                    failed = true;
                    break;
                }
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if !failed {
            if let Some(why) = undecided {
                report.unknown(task, why);
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Task definitions do not share the host's process or IPC namespace:
    /// `pid_mode` and `ipc_mode` are not `"host"`.
    ///
    /// ## Why it matters
    /// In the host's PID namespace a container sees — and with enough
    /// privilege can signal or trace — every process on the instance,
    /// including other tasks and the ECS agent; the host IPC namespace
    /// exposes shared memory across tasks.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "agent" {
    ///   family                = "agent"
    ///   pid_mode              = "host"
    ///   container_definitions = jsonencode([{ name = "agent", image = "agent:1" }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "agent" {
    ///   family                = "agent"
    ///   pid_mode              = "task"
    ///   container_definitions = jsonencode([{ name = "agent", image = "agent:1" }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `pid_mode = "task"` (or leave it unset) and no `ipc_mode = "host"`.
    pub static ECS_HOST_NAMESPACES = {
        id: "CW-AWS-ECS-005",
        title: "ECS task shares the host's process or IPC namespace",
        severity: Medium,
        category: "compute",
        resource_types: ["aws_ecs_task_definition"],
        checkov: ["CKV_AWS_335"],
        trivy: [],
        kics: [],
        remediation: "Leave pid_mode and ipc_mode unset (or \"task\").",
        check: check_host_namespaces,
    }
}

fn check_efs_transit(ctx: &Context<'_>, report: &mut Report) {
    for task in ctx.resources(TASKS) {
        let volumes = match get(task, "volume") {
            Tri::Known(v) => v.as_list().map(<[Value]>::to_vec).unwrap_or_default(),
            Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.checked(task);
                report.unknown(task, why);
                continue;
            }
        };
        let mut undecided = None;
        let mut failing = Vec::new();
        let mut any_efs = false;
        for (i, volume) in volumes.iter().enumerate() {
            let config = volume.get("efs_volume_configuration");
            if let Some(c) = config.as_ref().filter(|c| c.is_unknown()) {
                any_efs = true;
                undecided.get_or_insert(format!(
                    "volume[{i}].efs_volume_configuration is {}",
                    c.why_unknown()
                ));
                continue;
            }
            let Some(efs) = config.and_then(|l| l.as_list().and_then(|l| l.first().cloned()))
            else {
                continue;
            };
            any_efs = true;
            match efs.get("transit_encryption") {
                Some(v) if v.is_unknown() => {
                    undecided.get_or_insert(format!("transit_encryption is {}", v.why_unknown()));
                }
                Some(v) if v.as_str() == Some("ENABLED") => {}
                _ => failing.push(i),
            }
        }
        if !any_efs {
            continue;
        }
        report.checked(task);
        if let Some(&i) = failing.first() {
            report.fail(
                task,
                &format!("volume[{i}]"),
                "an EFS volume is mounted without transit encryption (the default is DISABLED)",
            );
        } else if let Some(why) = undecided {
            report.unknown(task, why);
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// EFS volumes of task definitions are mounted with TLS:
    /// `efs_volume_configuration { transit_encryption = "ENABLED" }` (the
    /// default is `DISABLED`).
    ///
    /// ## Why it matters
    /// NFS traffic between the task and the file system is otherwise
    /// plaintext on the network; encryption at rest does not cover it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    ///   volume {
    ///     name = "data"
    ///     efs_volume_configuration {
    ///       file_system_id = aws_efs_file_system.data.id
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    ///   volume {
    ///     name = "data"
    ///     efs_volume_configuration {
    ///       file_system_id     = aws_efs_file_system.data.id
    ///       transit_encryption = "ENABLED"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `transit_encryption = "ENABLED"` (and use an access point with
    /// IAM authorization).
    pub static ECS_EFS_TRANSIT = {
        id: "CW-AWS-ECS-006",
        title: "ECS task mounts EFS without transit encryption",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_ecs_task_definition"],
        checkov: ["CKV_AWS_97"],
        trivy: ["AVD-AWS-0035", "aws-ecs-enable-in-transit-encryption"],
        kics: [],
        remediation: "Set transit_encryption = \"ENABLED\" in efs_volume_configuration.",
        check: check_efs_transit,
    }
}

crate::rule! {
    /// ## What it checks
    /// ECS services do not give their tasks public IP addresses:
    /// `network_configuration { assign_public_ip = true }` (default `false`).
    ///
    /// ## Why it matters
    /// A task with a public IP in a public subnet is reachable from the
    /// internet on every port its security group allows, bypassing the load
    /// balancer meant to front it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_service" "app" {
    ///   name            = "app"
    ///   task_definition = aws_ecs_task_definition.app.arn
    ///   network_configuration {
    ///     subnets          = var.public_subnets
    ///     assign_public_ip = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_service" "app" {
    ///   name            = "app"
    ///   task_definition = aws_ecs_task_definition.app.arn
    ///   network_configuration {
    ///     subnets = var.private_subnets
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Run tasks in private subnets without public IPs; reach the internet
    /// through a NAT gateway and serve traffic through a load balancer.
    pub static ECS_PUBLIC_IP = {
        id: "CW-AWS-ECS-007",
        title: "ECS service assigns public IPs to its tasks",
        severity: Medium,
        category: "network",
        resource_types: ["aws_ecs_service"],
        checkov: ["CKV_AWS_333"],
        trivy: [],
        kics: [],
        remediation: "Set assign_public_ip = false and use private subnets.",
        check: |ctx, report| require(ctx, report, &["aws_ecs_service"], &Setting {
            path: "network_configuration.0.assign_public_ip",
            want: Want::False,
            absent: Absent::Passes,
            message: "tasks get public IP addresses",
        }),
    }
}

fn check_same_roles(ctx: &Context<'_>, report: &mut Report) {
    for task in ctx.resources(TASKS) {
        let exec = get_str(task, "execution_role_arn");
        let role = get_str(task, "task_role_arn");
        // the same role by reference (its ARN is known only after apply)
        let target = |attr: &str| {
            task.references
                .iter()
                .find(|r| r.attribute == attr)
                .map(|r| r.target.clone())
        };
        report.checked(task);
        match (exec, role) {
            (Tri::Known(a), Tri::Known(b)) if a == b => {
                report.fail(task, "task_role_arn", "the task role is the execution role");
            }
            (Tri::Unknown(why), Tri::Unknown(_)) => {
                match (target("execution_role_arn"), target("task_role_arn")) {
                    (Some(a), Some(b)) if a == b => {
                        report.fail(task, "task_role_arn", "the task role is the execution role");
                    }
                    (Some(_), Some(_)) => {}
                    _ => report.unknown(task, why),
                }
            }
            // one known, one not: they may be the same role
            (Tri::Unknown(why), Tri::Known(_)) => {
                report.unknown(task, format!("execution_role_arn is {why}"))
            }
            (Tri::Known(_), Tri::Unknown(why)) => {
                report.unknown(task, format!("task_role_arn is {why}"))
            }
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Task definitions use different roles for the ECS agent and the
    /// application: `execution_role_arn` and `task_role_arn` are not the
    /// same role (compared by value, or by reference when the ARNs are known
    /// only after apply).
    ///
    /// ## Why it matters
    /// The execution role pulls images and reads the task's secrets; the
    /// task role is what the application's code runs as. One role for both
    /// hands the application every secret of the task definition and the
    /// registry, and makes least privilege impossible.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   execution_role_arn    = aws_iam_role.app.arn
    ///   task_role_arn         = aws_iam_role.app.arn
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   execution_role_arn    = aws_iam_role.ecs_execution.arn
    ///   task_role_arn         = aws_iam_role.app.arn
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a separate execution role with `AmazonECSTaskExecutionRolePolicy`
    /// and only the secrets the task needs.
    pub static ECS_SAME_ROLES = {
        id: "CW-AWS-ECS-008",
        title: "ECS task role is also its execution role",
        severity: Low,
        category: "iam",
        resource_types: ["aws_ecs_task_definition"],
        checkov: ["CKV_AWS_249"],
        trivy: [],
        kics: [],
        remediation: "Use separate roles for execution_role_arn and task_role_arn.",
        check: check_same_roles,
    }
}

fn check_task_role(ctx: &Context<'_>, report: &mut Report) {
    for task in ctx.resources(TASKS) {
        report.checked(task);
        match get(task, "task_role_arn") {
            Tri::Known(v) if v.as_str().is_some_and(|s| !s.is_empty()) => {}
            Tri::Unknown(_) if crate::check::refers(task, "task_role_arn") => {}
            Tri::Unknown(why) => report.unknown(task, why),
            _ => {
                report.fail(task, "", "no task_role_arn: the containers get no AWS identity of their own (on EC2 they can fall back to the instance role)");
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Task definitions give their containers a role: `task_role_arn` is
    /// set.
    ///
    /// ## Why it matters
    /// Without a task role, code that calls AWS uses whatever it finds: on
    /// the EC2 launch type that is the container instance's role, shared by
    /// every task on the host; otherwise someone adds static keys to the
    /// environment. A role per task is least privilege.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   task_role_arn         = aws_iam_role.app.arn
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a role for the task with only what it needs, and set
    /// `task_role_arn` (block the instance role from tasks with
    /// `ECS_AWSVPC_BLOCK_IMDS` / `ECS_ENABLE_TASK_IAM_ROLE`).
    pub static ECS_TASK_ROLE = {
        id: "CW-AWS-ECS-009",
        title: "ECS task definition without a task role",
        severity: Low,
        category: "iam",
        resource_types: ["aws_ecs_task_definition"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set task_role_arn to a least-privilege role for the task.",
        check: check_task_role,
    }
}

crate::rule! {
    /// ## What it checks
    /// Task definitions use the `awsvpc` network mode: `network_mode` is
    /// `awsvpc` (the EC2 launch type defaults to `bridge`; `host` and
    /// `none` also fail).
    ///
    /// ## Why it matters
    /// Only in `awsvpc` mode does each task get its own network interface
    /// and security groups. In `bridge` or `host` mode tasks share the
    /// instance's interface, so network rules cannot tell one service from
    /// another, and in `host` mode a container binds ports on the host.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecs_task_definition" "app" {
    ///   family                = "app"
    ///   network_mode          = "awsvpc"
    ///   container_definitions = jsonencode([{ name = "app", image = "app:1" }])
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `network_mode = "awsvpc"` and give the service a
    /// `network_configuration` with its own security group.
    pub static ECS_AWSVPC = {
        id: "CW-AWS-ECS-010",
        title: "ECS task definition not in awsvpc network mode",
        severity: Low,
        category: "network",
        resource_types: ["aws_ecs_task_definition"],
        checkov: [],
        trivy: [],
        kics: ["9f4a9409-9c60-4671-be96-9716dbf63db1"],
        remediation: "Set network_mode = \"awsvpc\".",
        check: |ctx, report| require(ctx, report, TASKS, &Setting {
            path: "network_mode",
            want: Want::OneOf(&["awsvpc"]),
            absent: Absent::Fails("network_mode is not set: on EC2 the default is bridge, sharing the instance's network identity"),
            message: "tasks share the instance's network interface and security groups",
        }),
    }
}
