//! Data sources whose results follow from the configuration alone — the
//! provider's region, partition and default tags, policy documents, ARNs,
//! service principals, templates, local files — computed as their providers compute
//! them; where Cloudwright does not reproduce the bytes (cloud-init's MIME
//! message), the result stays unknown with what it encodes kept for rules.

use crate::eval::Evaluator;
use crate::policy_document;
use crate::syntax::Block;
use cloudwright_model::{Fields, Value};

/// What a data source may read of its provider's configuration.
pub struct ProviderFacts<'a> {
    pub region: Option<&'a Value>,
    /// `default_tags { tags = … }`; `None` when the provider sets none.
    pub default_tags: Option<&'a Value>,
    /// `hostname` (the `tfe` provider's); `None` when not set.
    pub hostname: Option<&'a Value>,
}

/// Data sources whose results follow from the configuration alone. An
/// argument the provider would refuse (`arn` that is not one) is an error
/// where it is written; an unknown argument leaves the results unknown.
pub fn computed_attributes(
    ev: &mut Evaluator<'_>,
    block: &Block,
    resource_type: &str,
    fields: &mut Fields,
    provider: ProviderFacts<'_>,
    address: &str,
) {
    match resource_type {
        // another scanned root's outputs, where it writes the state read
        "terraform_remote_state" | "tfe_outputs" => {
            let fs = ev.fs;
            let read = crate::remote_state::read(
                &fs.remote_states,
                resource_type,
                fields,
                provider.hostname,
                address,
                &fs.root_dir,
            );
            for (name, value) in read {
                fields.insert(name, value);
            }
        }
        "aws_iam_policy_document" => {
            let (json, minified) = policy_document::render(fields);
            fields.insert(cloudwright_model::name!("minified_json"), minified);
            fields.insert(cloudwright_model::name!("json"), json);
        }
        "aws_region" => {
            let given = set(fields, "name")
                .or_else(|| set(fields, "region"))
                .cloned();
            if let Some(r) = given.or_else(|| provider.region.cloned()) {
                for k in ["name", "region", "id"] {
                    if set(fields, k).is_none() {
                        fields.insert(k, r.clone());
                    }
                }
            }
        }
        "aws_partition" => {
            if let Some(r) = provider.region.and_then(Value::as_str) {
                let (partition, suffix) = partition_of(r);
                fields.insert("partition", Value::string(partition));
                fields.insert("id", Value::string(partition));
                fields.insert("dns_suffix", Value::string(suffix));
            }
        }
        // the account Elastic Load Balancing writes access logs from
        "aws_elb_service_account" => {
            let Some(region) = region_of(fields, &provider) else {
                return;
            };
            let Some(account) = elb_log_account(&region) else {
                let message = format!("unsupported AWS Region: {region} (Elastic Load Balancing has no log delivery account there; newer Regions deliver as the service principal logdelivery.elasticloadbalancing.amazonaws.com)");
                return data_argument_error(ev, block, "region", &message);
            };
            // the partition is the provider's
            let partition = provider
                .region
                .and_then(Value::as_str)
                .map_or("aws", |r| partition_of(r).0);
            fields.insert("id", Value::string(account));
            fields.insert(
                "arn",
                Value::string(format!("arn:{partition}:iam::{account}:root")),
            );
        }
        // the principal a service acts as, as the provider composes it
        "aws_service_principal" => {
            let (Some(service), Some(region)) = (
                fields
                    .get("service_name")
                    .and_then(|v| v.as_str().map(str::to_string)),
                region_of(fields, &provider),
            ) else {
                return;
            };
            let suffix = service_principal_suffix(&service, &region);
            fields.insert("id", Value::string(format!("{service}.{region}.{suffix}")));
            fields.insert("name", Value::string(format!("{service}.{suffix}")));
            fields.insert("suffix", Value::string(suffix));
            fields.insert("region", Value::string(region));
        }
        // an ARN in its parts, as the provider parses it (the AWS SDK's `arn`)
        "aws_arn" => {
            let Some(arn) = fields.get("arn").cloned() else {
                return;
            };
            // a number or a bool converts to its string, as Terraform does
            let text = match arn.strip() {
                Value::String(text) => text.to_string(),
                Value::Number(_) | Value::Bool(_) => arn.strip().to_string(),
                _ => return,
            };
            match crate::functions::Arn::parse(&text) {
                Ok(parts) => {
                    let sensitive = arn.is_sensitive();
                    let mark = |s: String| {
                        let v = Value::string(s);
                        if sensitive {
                            v.sensitive()
                        } else {
                            v
                        }
                    };
                    fields.insert("partition", mark(parts.partition));
                    fields.insert("service", mark(parts.service));
                    fields.insert("region", mark(parts.region));
                    fields.insert("account", mark(parts.account_id));
                    fields.insert("resource", mark(parts.resource));
                    fields.insert("id", arn);
                }
                Err(_) => data_argument_error(
                    ev,
                    block,
                    "arn",
                    "`arn` is not an ARN (arn:partition:service:region:account:resource)",
                ),
            }
        }
        // the provider's default tags (none: an empty map)
        "aws_default_tags" => {
            let tags = provider
                .default_tags
                .cloned()
                .unwrap_or_else(|| Value::map(Fields::new()));
            fields.insert("tags", tags);
        }
        // hashicorp/cloudinit's MIME message (and hashicorp/template's
        // older data source): gzip and base64 by default, bytes Cloudwright
        // does not reproduce; the parts stay readable to the rules
        "cloudinit_config" | "template_cloudinit_config" => {
            let Some(parts) = fields
                .get("part")
                .and_then(|p| p.as_list().map(<[Value]>::to_vec))
            else {
                return;
            };
            let mut texts = Vec::with_capacity(parts.len());
            let mut sensitive = false;
            for part in &parts {
                let Some(content) = part.get("content") else {
                    return;
                };
                sensitive |= content.is_sensitive();
                match content.strip() {
                    Value::String(text) => texts.push(text.to_string()),
                    _ => return,
                }
            }
            let span = ev.span(block.range);
            ev.diagnostics.push(
                cloudwright_model::Diagnostic::info(format!(
                    "{resource_type}: Cloudwright does not reproduce the rendered MIME message; `rendered` is treated as unknown, and rules that read user data read its parts"
                ))
                .at(span),
            );
            let rendered = Value::unknown_document(Value::string(texts.join("\n")));
            fields.insert(
                "rendered",
                if sensitive {
                    rendered.sensitive()
                } else {
                    rendered
                },
            );
        }
        // hashicorp/local's files, read as `file()` reads them (inside the
        // scanned tree); the sensitive one's content is never shown
        "local_file" | "local_sensitive_file" => {
            let Some(filename) = set(fields, "filename").cloned() else {
                return;
            };
            if filename.contains_unknown() {
                return;
            }
            match crate::functions::file_attributes(ev, &filename) {
                Ok(attributes) => {
                    let hidden = resource_type == "local_sensitive_file";
                    for (name, value) in attributes {
                        let secret = hidden && matches!(name, "content" | "content_base64");
                        fields.insert(name, if secret { value.sensitive() } else { value });
                    }
                }
                Err(crate::functions::CallError::Failed(message)) => {
                    data_argument_error(ev, block, "filename", &message)
                }
                Err(_) => {}
            }
        }
        // hashicorp/template's `template_file` (archived, still common):
        // `template` rendered with `vars`, as `templatestring` renders it
        "template_file" => {
            let Some(template) = fields.get("template").cloned() else {
                return;
            };
            if template.is_unknown() {
                return;
            }
            let Some(text) = template.strip().as_str() else {
                return;
            };
            let vars = fields.get("vars").cloned().unwrap_or(Value::Null);
            if vars.is_unknown() {
                return;
            }
            if !matches!(vars.strip(), Value::Map(_) | Value::Null) {
                let message = format!("`vars` must be a map, not {}", vars.type_name());
                return data_argument_error(ev, block, "vars", &message);
            }
            let at = block
                .body
                .attribute("template")
                .map_or(block.range, |a| a.range);
            match crate::functions::render_template(
                ev,
                text,
                "given to template_file",
                vars.strip(),
                at,
            ) {
                Ok(rendered) => {
                    let rendered = if template.is_sensitive() || vars.contains_sensitive() {
                        rendered.sensitive()
                    } else {
                        rendered
                    };
                    fields.insert("rendered", rendered);
                }
                Err(crate::functions::CallError::Failed(message)) => {
                    data_argument_error(ev, block, "template", &message)
                }
                // an unimplemented function in the template: reported there
                Err(_) => {}
            }
        }
        _ => {}
    }
}

/// The partition of a region and its DNS suffix (the AWS SDK's
/// `endpoints` partitions: the region name tells them apart).
fn partition_of(region: &str) -> (&'static str, &'static str) {
    const PARTITIONS: &[(&str, &str, &str)] = &[
        ("cn-", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-", "aws-us-gov", "amazonaws.com"),
        ("us-iso-", "aws-iso", "c2s.ic.gov"),
        ("us-isob-", "aws-iso-b", "sc2s.sgov.gov"),
        ("eu-isoe-", "aws-iso-e", "cloud.adc-e.uk"),
        ("us-isof-", "aws-iso-f", "csp.hci.ic.gov"),
        ("eusc-", "aws-eusc", "amazonaws.eu"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, ..)| region.starts_with(prefix))
        .map_or(("aws", "amazonaws.com"), |&(_, partition, suffix)| {
            (partition, suffix)
        })
}

/// The account Elastic Load Balancing delivers access logs from, in the
/// Regions that have one (AWS's "Enable access logs for your Application
/// Load Balancer": Regions opened after August 2022 grant the log delivery
/// service principal instead).
fn elb_log_account(region: &str) -> Option<&'static str> {
    const ACCOUNTS: &[(&str, &str)] = &[
        ("af-south-1", "098369216593"),
        ("ap-east-1", "754344448648"),
        ("ap-northeast-1", "582318560864"),
        ("ap-northeast-2", "600734575887"),
        ("ap-northeast-3", "383597477331"),
        ("ap-south-1", "718504428378"),
        ("ap-southeast-1", "114774131450"),
        ("ap-southeast-2", "783225319266"),
        ("ap-southeast-3", "589379963580"),
        ("ca-central-1", "985666609251"),
        ("cn-north-1", "638102146993"),
        ("cn-northwest-1", "037604701340"),
        ("eu-central-1", "054676820928"),
        ("eu-north-1", "897822967062"),
        ("eu-south-1", "635631232127"),
        ("eu-west-1", "156460612806"),
        ("eu-west-2", "652711504416"),
        ("eu-west-3", "009996457667"),
        ("me-south-1", "076674570225"),
        ("sa-east-1", "507241528517"),
        ("us-east-1", "127311923021"),
        ("us-east-2", "033677994240"),
        ("us-gov-east-1", "190560391635"),
        ("us-gov-west-1", "048591011584"),
        ("us-west-1", "027434742980"),
        ("us-west-2", "797873946194"),
    ];
    ACCOUNTS.iter().find(|(r, _)| *r == region).map(|(_, a)| *a)
}

/// What follows a service's name in its principal: `amazonaws.com`, but
/// for a few services of a few partitions the partition's DNS suffix (the
/// provider's `servicePrincipalNameForPartition`).
fn service_principal_suffix(service: &str, region: &str) -> &'static str {
    let (partition, dns_suffix) = partition_of(region);
    let own = match partition {
        "aws-iso" => ["cloudhsm", "config", "logs", "workspaces"].contains(&service),
        "aws-iso-b" => ["dms", "logs"].contains(&service),
        "aws-cn" => ["codedeploy", "elasticmapreduce", "logs"].contains(&service),
        _ => false,
    };
    if own {
        dns_suffix
    } else {
        "amazonaws.com"
    }
}

/// The Region a data source reads: its own `region` argument (provider
/// 6's per-resource Region), else its provider's; `None` while unknown.
fn region_of(
    fields: &cloudwright_model::FieldSlice,
    provider: &ProviderFacts<'_>,
) -> Option<String> {
    set(fields, "region")
        .or(provider.region)
        .and_then(|r| r.as_str().map(str::to_string))
}

/// An argument's value when it is set: `null` is the argument left out.
fn set<'a>(fields: &'a cloudwright_model::FieldSlice, argument: &str) -> Option<&'a Value> {
    fields.get(argument).filter(|v| !v.is_null())
}

/// An error at a data source's argument (its block when it is not written).
fn data_argument_error(ev: &mut Evaluator<'_>, block: &Block, argument: &str, message: &str) {
    match block.body.attribute(argument) {
        Some(attr) => {
            let entered = ev.enter(&attr.origin);
            ev.error(attr.range, message);
            ev.leave(entered);
        }
        None => {
            ev.error(block.range, message);
        }
    }
}
