//! Cost components per resource type: what a bill has for each priced
//! type, with quantities from the evaluated attributes (instances are
//! already expanded from `count`/`for_each`) or from usage inputs, and
//! the catalogue selection that prices each. A type is priced here, listed
//! as free in [`FREE`], or reported as unpriced — never skipped.

mod compute;
mod data;
mod network;
mod ops;

use crate::catalogue::Selector;
use crate::usage::Usage;
use cloudwright_model::{Graph, Resource, Value};

/// What the components of one resource read.
pub struct Ctx<'a> {
    pub graph: &'a Graph,
    pub usage: &'a Usage,
}

impl Ctx<'_> {
    /// A usage value for `r` (its own, a pattern's, or its type's default).
    pub fn usage(&self, r: &Resource, key: &str) -> Option<f64> {
        self.usage.get(&r.address, &r.resource_type, key)
    }
}

/// How much of a component a month has.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// From the configuration.
    Known(f64),
    /// From usage inputs: the value when the usage file gives it, and the
    /// keys that would.
    Usage(Option<f64>, &'static str),
}

/// One line of a bill before it is priced.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub name: String,
    pub selector: Selector,
    pub quantity: Quantity,
}

pub fn fixed(name: impl Into<String>, selector: Selector, quantity: f64) -> Spec {
    Spec {
        name: name.into(),
        selector,
        quantity: Quantity::Known(quantity),
    }
}

pub fn usage(
    name: impl Into<String>,
    selector: Selector,
    value: Option<f64>,
    keys: &'static str,
) -> Spec {
    Spec {
        name: name.into(),
        selector,
        quantity: Quantity::Usage(value, keys),
    }
}

/// How a resource is priced.
#[derive(Clone, Debug, PartialEq)]
pub enum Pricing {
    Components(Vec<Spec>),
    /// AWS does not charge for the resource itself.
    Free,
    /// Why it cannot be priced.
    Unpriced(String),
}

/// The components of one resource.
pub fn components(ctx: &Ctx<'_>, r: &Resource) -> Pricing {
    if FREE.contains(&r.resource_type.as_str()) {
        return Pricing::Free;
    }
    let Some(price) = priced(&r.resource_type) else {
        return Pricing::Unpriced(format!(
            "{} is not priced by Cloudwright yet",
            r.resource_type
        ));
    };
    match price(ctx, r) {
        Ok(specs) if specs.is_empty() => Pricing::Free,
        Ok(specs) => Pricing::Components(specs),
        Err(why) => Pricing::Unpriced(why),
    }
}

type PriceFn = fn(&Ctx<'_>, &Resource) -> Result<Vec<Spec>, String>;

/// Every priced resource type and the function that lists its components.
pub const PRICED: &[(&str, PriceFn)] = &[
    ("aws_instance", compute::instance),
    ("aws_ebs_volume", compute::ebs_volume),
    ("aws_ebs_snapshot", compute::ebs_snapshot),
    ("aws_autoscaling_group", compute::autoscaling_group),
    ("aws_eks_cluster", compute::eks_cluster),
    ("aws_eks_node_group", compute::eks_node_group),
    ("aws_eks_fargate_profile", compute::eks_fargate_profile),
    ("aws_ecs_service", compute::ecs_service),
    ("aws_lambda_function", compute::lambda_function),
    (
        "aws_lambda_provisioned_concurrency_config",
        compute::lambda_provisioned,
    ),
    ("aws_nat_gateway", network::nat_gateway),
    ("aws_eip", network::eip),
    ("aws_lb", network::load_balancer),
    ("aws_alb", network::load_balancer),
    ("aws_elb", network::classic_load_balancer),
    ("aws_vpc_endpoint", network::vpc_endpoint),
    (
        "aws_ec2_transit_gateway_vpc_attachment",
        network::transit_gateway_attachment,
    ),
    (
        "aws_ec2_transit_gateway_peering_attachment",
        network::transit_gateway_peering,
    ),
    ("aws_vpn_connection", network::vpn_connection),
    (
        "aws_ec2_client_vpn_network_association",
        network::client_vpn_association,
    ),
    (
        "aws_cloudfront_distribution",
        network::cloudfront_distribution,
    ),
    ("aws_route53_zone", network::route53_zone),
    ("aws_route53_record", network::route53_record),
    ("aws_route53_health_check", network::route53_health_check),
    ("aws_api_gateway_rest_api", network::rest_api),
    ("aws_api_gateway_stage", network::rest_api_stage),
    ("aws_apigatewayv2_api", network::apigatewayv2_api),
    (
        "aws_globalaccelerator_accelerator",
        network::global_accelerator,
    ),
    ("aws_networkfirewall_firewall", network::network_firewall),
    ("aws_wafv2_web_acl", network::wafv2_web_acl),
    ("aws_db_instance", data::db_instance),
    ("aws_rds_cluster", data::rds_cluster),
    ("aws_rds_cluster_instance", data::rds_cluster_instance),
    ("aws_elasticache_cluster", data::elasticache_cluster),
    (
        "aws_elasticache_replication_group",
        data::elasticache_replication_group,
    ),
    ("aws_dynamodb_table", data::dynamodb_table),
    ("aws_s3_bucket", data::s3_bucket),
    ("aws_efs_file_system", data::efs_file_system),
    ("aws_opensearch_domain", data::opensearch_domain),
    ("aws_elasticsearch_domain", data::opensearch_domain),
    ("aws_msk_cluster", data::msk_cluster),
    ("aws_redshift_cluster", data::redshift_cluster),
    ("aws_docdb_cluster", data::docdb_cluster),
    ("aws_docdb_cluster_instance", data::docdb_cluster_instance),
    ("aws_neptune_cluster", data::neptune_cluster),
    (
        "aws_neptune_cluster_instance",
        data::neptune_cluster_instance,
    ),
    ("aws_kinesis_stream", data::kinesis_stream),
    (
        "aws_kinesis_firehose_delivery_stream",
        data::firehose_delivery_stream,
    ),
    ("aws_mq_broker", data::mq_broker),
    ("aws_ecr_repository", data::ecr_repository),
    ("aws_backup_vault", data::backup_vault),
    ("aws_cloudwatch_log_group", ops::log_group),
    ("aws_cloudwatch_metric_alarm", ops::metric_alarm),
    ("aws_cloudwatch_dashboard", ops::dashboard),
    ("aws_kms_key", ops::kms_key),
    ("aws_secretsmanager_secret", ops::secret),
    ("aws_sqs_queue", ops::sqs_queue),
    ("aws_sns_topic", ops::sns_topic),
    ("aws_sfn_state_machine", ops::state_machine),
    ("aws_config_configuration_recorder", ops::config_recorder),
    ("aws_config_config_rule", ops::config_rule),
    ("aws_cloudtrail", ops::cloudtrail),
    ("aws_ssm_parameter", ops::ssm_parameter),
    ("aws_codebuild_project", ops::codebuild_project),
    ("aws_transfer_server", ops::transfer_server),
    ("aws_acmpca_certificate_authority", ops::private_ca),
    ("aws_athena_workgroup", ops::athena_workgroup),
    ("aws_glue_job", ops::glue_job),
    ("aws_glue_crawler", ops::glue_crawler),
];

fn priced(resource_type: &str) -> Option<PriceFn> {
    PRICED
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, f)| *f)
}

/// Resource types AWS does not charge for by themselves (what they carry
/// is billed elsewhere: traffic, the instances a template launches, the
/// logs a flow log writes).
pub const FREE: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_route",
    "aws_route_table_association",
    "aws_vpc_endpoint_route_table_association",
    "aws_main_route_table_association",
    "aws_internet_gateway",
    "aws_egress_only_internet_gateway",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_default_vpc",
    "aws_default_subnet",
    "aws_default_security_group",
    "aws_default_network_acl",
    "aws_default_route_table",
    "aws_network_interface",
    "aws_network_interface_attachment",
    "aws_eip_association",
    "aws_flow_log",
    "aws_ec2_managed_prefix_list",
    "aws_ec2_managed_prefix_list_entry",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_ec2_transit_gateway_route",
    "aws_customer_gateway",
    "aws_vpn_gateway",
    "aws_vpn_gateway_attachment",
    "aws_vpn_connection_route",
    "aws_ec2_client_vpn_endpoint",
    "aws_ec2_client_vpn_authorization_rule",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy",
    "aws_iam_policy_attachment",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_group",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
    "aws_iam_instance_profile",
    "aws_iam_access_key",
    "aws_iam_user_login_profile",
    "aws_iam_account_password_policy",
    "aws_iam_openid_connect_provider",
    "aws_iam_saml_provider",
    "aws_iam_service_linked_role",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_key_pair",
    "aws_placement_group",
    "aws_ami_launch_permission",
    "aws_ebs_encryption_by_default",
    "aws_ebs_default_kms_key",
    "aws_volume_attachment",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener_rule",
    "aws_lb_listener_certificate",
    "aws_lb_cookie_stickiness_policy",
    "aws_elb_attachment",
    "aws_autoscaling_policy",
    "aws_autoscaling_attachment",
    "aws_autoscaling_schedule",
    "aws_autoscaling_lifecycle_hook",
    "aws_autoscaling_notification",
    "aws_ecs_cluster",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_capacity_provider",
    "aws_ecs_task_definition",
    "aws_eks_addon",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_eks_identity_provider_config",
    "aws_eks_pod_identity_association",
    "aws_lambda_permission",
    "aws_lambda_alias",
    "aws_lambda_event_source_mapping",
    "aws_lambda_layer_version",
    "aws_lambda_function_url",
    "aws_lambda_function_event_invoke_config",
    "aws_db_subnet_group",
    "aws_db_parameter_group",
    "aws_db_option_group",
    "aws_rds_cluster_parameter_group",
    "aws_db_instance_role_association",
    "aws_rds_cluster_role_association",
    "aws_rds_global_cluster",
    "aws_elasticache_subnet_group",
    "aws_elasticache_parameter_group",
    "aws_elasticache_user",
    "aws_elasticache_user_group",
    "aws_docdb_subnet_group",
    "aws_docdb_cluster_parameter_group",
    "aws_neptune_subnet_group",
    "aws_neptune_cluster_parameter_group",
    "aws_redshift_subnet_group",
    "aws_redshift_parameter_group",
    "aws_msk_configuration",
    "aws_opensearch_domain_policy",
    "aws_elasticsearch_domain_policy",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_website_configuration",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_account_public_access_block",
    "aws_s3_object",
    "aws_s3_bucket_object",
    "aws_kms_alias",
    "aws_kms_key_policy",
    "aws_kms_grant",
    "aws_secretsmanager_secret_version",
    "aws_secretsmanager_secret_rotation",
    "aws_secretsmanager_secret_policy",
    "aws_cloudwatch_log_stream",
    "aws_cloudwatch_log_subscription_filter",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_log_resource_policy",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_sqs_queue_policy",
    "aws_sqs_queue_redrive_policy",
    "aws_sqs_queue_redrive_allow_policy",
    "aws_api_gateway_resource",
    "aws_api_gateway_method",
    "aws_api_gateway_method_settings",
    "aws_api_gateway_method_response",
    "aws_api_gateway_integration",
    "aws_api_gateway_integration_response",
    "aws_api_gateway_deployment",
    "aws_api_gateway_authorizer",
    "aws_api_gateway_account",
    "aws_api_gateway_domain_name",
    "aws_api_gateway_base_path_mapping",
    "aws_apigatewayv2_stage",
    "aws_apigatewayv2_route",
    "aws_apigatewayv2_integration",
    "aws_apigatewayv2_authorizer",
    "aws_apigatewayv2_deployment",
    "aws_apigatewayv2_domain_name",
    "aws_apigatewayv2_api_mapping",
    "aws_route53_zone_association",
    "aws_route53_query_log",
    "aws_route53_hosted_zone_dnssec",
    "aws_route53_key_signing_key",
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_cloudfront_origin_access_control",
    "aws_cloudfront_origin_access_identity",
    "aws_cloudfront_cache_policy",
    "aws_cloudfront_origin_request_policy",
    "aws_cloudfront_response_headers_policy",
    "aws_wafv2_web_acl_association",
    "aws_wafv2_web_acl_logging_configuration",
    "aws_efs_mount_target",
    "aws_efs_access_point",
    "aws_efs_backup_policy",
    "aws_efs_file_system_policy",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_backup_vault_lock_configuration",
    "aws_backup_vault_policy",
    "aws_backup_vault_notifications",
    "aws_config_delivery_channel",
    "aws_config_configuration_recorder_status",
    "aws_accessanalyzer_analyzer",
    "aws_organizations_organization",
    "aws_organizations_organizational_unit",
    "aws_organizations_account",
    "aws_organizations_policy",
    "aws_organizations_policy_attachment",
    "aws_ssm_document",
    "aws_ssm_association",
    "aws_sfn_activity",
    "aws_networkfirewall_firewall_policy",
    "aws_networkfirewall_rule_group",
    "aws_networkfirewall_logging_configuration",
    "aws_globalaccelerator_listener",
    "aws_globalaccelerator_endpoint_group",
    "aws_glue_catalog_database",
    "aws_glue_catalog_table",
    "aws_codebuild_source_credential",
    "aws_codebuild_webhook",
    "aws_transfer_user",
    "aws_transfer_ssh_key",
    "aws_kinesis_stream_consumer_policy",
];

// ---- reading attributes, three-valued ---------------------------------

/// An attribute the code does not determine: the reason a resource is
/// unpriced.
fn unknown(r: &Resource, path: &str, v: &Value) -> String {
    let unknown = v.as_unknown().cloned().unwrap_or_default();
    let why = unknown.why();
    match unknown.origin() {
        Some(origin) => format!("{}.{path} is {why} (from {origin})", r.address),
        None => format!("{}.{path} is {why}", r.address),
    }
}

/// A string setting: `Ok(None)` when unset.
pub fn text(r: &Resource, path: &str) -> Result<Option<String>, String> {
    match r.get_path(path) {
        None => Ok(None),
        Some(v) => match v.strip() {
            Value::Null => Ok(None),
            Value::Unknown(_) => Err(unknown(r, path, v.strip())),
            other => Ok(other.as_str().map(str::to_string).or_else(|| {
                other
                    .as_number()
                    .map(cloudwright_model::value::format_number)
            })),
        },
    }
}

/// A number setting: `Ok(None)` when unset.
pub fn num(r: &Resource, path: &str) -> Result<Option<f64>, String> {
    match r.get_path(path) {
        None => Ok(None),
        Some(v) => match v.strip() {
            Value::Null => Ok(None),
            Value::Unknown(_) => Err(unknown(r, path, v.strip())),
            Value::Number(n) => Ok(Some(*n)),
            Value::String(s) => s
                .parse::<f64>()
                .map(Some)
                .map_err(|_| format!("{}.{path} = {s:?} is not a number", r.address)),
            other => Err(format!(
                "{}.{path} is a {}, not a number",
                r.address,
                other.type_name()
            )),
        },
    }
}

/// A boolean setting: `Ok(None)` when unset.
pub fn flag(r: &Resource, path: &str) -> Result<Option<bool>, String> {
    match r.get_path(path) {
        None => Ok(None),
        Some(v) => match v.strip() {
            Value::Null => Ok(None),
            Value::Unknown(_) => Err(unknown(r, path, v.strip())),
            Value::Bool(b) => Ok(Some(*b)),
            Value::String(s) if &**s == "true" => Ok(Some(true)),
            Value::String(s) if &**s == "false" => Ok(Some(false)),
            other => Err(format!(
                "{}.{path} is a {}, not a boolean",
                r.address,
                other.type_name()
            )),
        },
    }
}

/// How many elements a list attribute (or repeated block) has.
pub fn count(r: &Resource, path: &str) -> Result<usize, String> {
    match r.get_path(path) {
        None => Ok(0),
        Some(v) => match v.strip() {
            Value::Null => Ok(0),
            Value::Unknown(_) => Err(unknown(r, path, v.strip())),
            Value::List(l) => Ok(l.len()),
            Value::Map(m) => Ok(m.fields().len()),
            _ => Ok(1),
        },
    }
}

/// The resource another one names in `attribute` (by reference).
pub fn referenced<'g>(
    graph: &'g Graph,
    r: &Resource,
    attribute: &str,
    resource_type: &str,
) -> Option<&'g Resource> {
    r.references
        .iter()
        .filter(|x| x.attribute == attribute || x.attribute.starts_with(&format!("{attribute}.")))
        .filter_map(|x| graph.resource_in(&r.root, &x.target))
        .find(|t| t.resource_type == resource_type)
}
