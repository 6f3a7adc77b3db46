//! IAM policy documents as rules read them, parsed once from the JSON that
//! the loader produced (`jsonencode`, heredoc, `aws_iam_policy_document`).

use crate::check::{get_statements, Context, Tri};
use crate::Report;

pub use cloudwright_iam::document::{is_unknown, Statement, UNKNOWN};

pub use cloudwright_iam::document::statements;

/// The resource-policy check shared by the "open to everyone" rules: for
/// each resource of `types`, its `policy` must not grant every principal
/// without a condition on the caller. `noun` names the protected thing in
/// messages ("queue", "topic"). A document with a public grant and also a
/// deny to every principal is undecidable: the deny may close the grant.
pub fn report_public_grants(ctx: &Context<'_>, report: &mut Report, types: &[&str], noun: &str) {
    for r in ctx.resources(types) {
        let statements = match get_statements(r, "policy") {
            Tri::Known(s) => s,
            // an inline policy is optional on the protected resource
            Tri::Absent => {
                report.checked(r);
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(r, why);
                continue;
            }
        };
        report.checked(r);
        let mut grant = None;
        let mut undecided = None;
        for s in &statements {
            match s.public_grant() {
                Tri::Known(true) => {
                    grant = Some(s);
                    break;
                }
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        let Some(grant) = grant else {
            if let Some(why) = undecided {
                report.unknown(r, why);
            }
            continue;
        };
        if statements.iter().any(|s| !s.allow && s.any_principal()) {
            report.unknown(
                r,
                "the policy allows every principal and also denies every principal under some condition; whether the deny closes the grant is not decided",
            );
            continue;
        }
        let sid = grant
            .sid
            .as_deref()
            .map_or(String::new(), |sid| format!(" (statement {sid:?})"));
        let actions = if grant.actions.is_empty() {
            "every action but those in NotAction".to_string()
        } else {
            grant.actions.join(", ")
        };
        report.fail(
            r,
            "policy",
            format!("anyone may call {actions} on the {noun}{sid}: the policy allows every principal with no condition on the caller"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudwright_model::Value;

    #[test]
    fn parses_single_and_list_forms() {
        let doc = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": ["*"], "Principal": {"AWS": ["a", "b"]}}}"#;
        let json: serde_json::Value = serde_json::from_str(doc).unwrap();
        let Tri::Known(st) = statements(Tri::Known(Value::from_json(&json))) else {
            panic!()
        };
        assert!(st[0].allow && st[0].all_actions() && st[0].all_resources());
        assert_eq!(st[0].principals.len(), 2);
        assert!(st[0].unknown.is_empty());
        assert!(matches!(
            statements(Tri::Unknown("x".into())),
            Tri::Unknown(_)
        ));
    }

    /// The policy document with `key` of its first statement set to `value`.
    fn with_first_statement(doc: &Value, key: &str, value: Value) -> Value {
        let mut fields = doc.as_object().unwrap().to_fields();
        let first = &fields.get("Statement").unwrap().as_list().unwrap()[0];
        let mut statement = first.as_object().unwrap().to_fields();
        statement.insert(key, value);
        fields.insert("Statement", Value::list(vec![Value::map(statement)]));
        Value::map(fields)
    }

    #[test]
    fn a_principal_known_in_part_is_not_everyone_unless_it_may_be_an_asterisk() {
        let grant = |principal: Value| {
            let doc = Value::from_json(&serde_json::json!({
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": "placeholder"}, "Action": "sqs:*"}]
            }));
            let principal = Value::map([("AWS".to_string(), principal)]);
            let doc = with_first_statement(&doc, "Principal", principal);
            let Tri::Known(st) = statements(Tri::Known(doc)) else {
                panic!()
            };
            (st[0].public_grant(), st[0].unknown.clone())
        };
        let account = Value::unknown_from("data.aws_caller_identity.current.account_id");
        // `arn:aws:iam::${account}:root` is an account, whichever
        let root = Value::partial_string(vec![
            Value::string("arn:aws:iam::"),
            account.clone(),
            Value::string(":root"),
        ]);
        let (public, unknown) = grant(root);
        assert_eq!(public, Tri::Known(false));
        assert_eq!(
            unknown,
            vec![("Principal".to_string(), "not known from the code")]
        );
        // `*${suffix}` may be `*`; a plain unknown may be anything
        let starred = Value::partial_string(vec![Value::string("*"), account]);
        assert_eq!(
            grant(starred).0,
            Tri::Unknown("a principal of the policy is not known from the code".into())
        );
        assert_eq!(
            grant(Value::unknown_from("aws_s3_bucket.b.bucket")).0,
            Tri::Unknown("a principal of the policy is known only after apply".into())
        );
        assert_eq!(
            grant(Value::unknown_from("var.principal")).0,
            Tri::Unknown("a principal of the policy is not known from the code".into())
        );
        // a managed resource's ARN is that resource's, never `*`
        assert_eq!(
            grant(Value::unknown_from("aws_iam_role.r.arn")).0,
            Tri::Known(false)
        );
    }

    #[test]
    fn unknown_values_are_located_not_guessed() {
        let doc = Value::from_json(&serde_json::json!({
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}]
        }));
        // a known `"*"` principal with an unknown resource is still public
        let with_arn =
            with_first_statement(&doc, "Resource", Value::unknown_from("aws_sqs_queue.q.arn"));
        let Tri::Known(st) = statements(Tri::Known(with_arn)) else {
            panic!()
        };
        assert_eq!(
            st[0].unknown,
            vec![("Resource".to_string(), "known only after apply")]
        );
        assert_eq!(st[0].public_grant(), Tri::Known(true));
    }
}
