//! The AWS provider's functions (`provider::aws::…`) whose results follow
//! from their arguments alone, evaluated as the provider does (its
//! `internal/function`): ARNs parsed and built as the AWS SDK's `arn`
//! package does, role paths trimmed.

use super::{arity, fail, string, CallResult};
use cloudwright_model::Value;

/// The provider functions evaluated here, by their full names.
const FUNCTIONS: &[&str] = &[
    "provider::aws::arn_build",
    "provider::aws::arn_parse",
    "provider::aws::trim_iam_role_path",
];

pub fn is_known(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name.strip_prefix("provider::aws::")? {
        "arn_parse" => arn_parse(args),
        "arn_build" => arn_build(args),
        "trim_iam_role_path" => trim_iam_role_path(args),
        _ => return None,
    })
}

/// `arn:partition:service:region:account-id:resource` in its parts, the
/// resource keeping any further `:`.
pub(crate) struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account_id: String,
    pub resource: String,
}

impl Arn {
    pub(crate) fn parse(text: &str) -> Result<Arn, super::CallError> {
        let Some(rest) = text.strip_prefix("arn:") else {
            return fail("arn: invalid prefix");
        };
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, service, region, account_id, resource] = parts[..] else {
            return fail("arn: not enough sections");
        };
        Ok(Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account_id: account_id.into(),
            resource: resource.into(),
        })
    }

    fn text(&self) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account_id, self.resource
        )
    }
}

fn arn_parse(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    let arn = Arn::parse(&string(&args[0])?)?;
    Ok(Value::map([
        ("partition", Value::string(arn.partition)),
        ("service", Value::string(arn.service)),
        ("region", Value::string(arn.region)),
        ("account_id", Value::string(arn.account_id)),
        ("resource", Value::string(arn.resource)),
    ]))
}

fn arn_build(args: &[Value]) -> CallResult {
    arity(args, 5)?;
    let part = |i: usize| string(&args[i]);
    let arn = Arn {
        partition: part(0)?,
        service: part(1)?,
        region: part(2)?,
        account_id: part(3)?,
        resource: part(4)?,
    };
    Ok(Value::string(arn.text()))
}

/// `arn:aws:iam::123:role/a/b/name` → `arn:aws:iam::123:role/name`.
fn trim_iam_role_path(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    let mut arn = Arn::parse(&string(&args[0])?)?;
    if arn.service != "iam" {
        return fail("trim_iam_role_path: service must be \"iam\"");
    }
    if !arn.region.is_empty() {
        return fail("trim_iam_role_path: region must be empty");
    }
    if !arn.resource.starts_with("role/") {
        return fail("trim_iam_role_path: resource must begin with \"role/\"");
    }
    let name = arn.resource.rsplit('/').next().unwrap_or_default();
    arn.resource = format!("role/{name}");
    Ok(Value::string(arn.text()))
}
