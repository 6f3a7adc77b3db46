//! AWS's evaluation logic against a table of cases: each element and
//! operator, and the subtle ones.

use cloudwright_iam::document::statements;
use cloudwright_iam::eval::{
    condition, evaluate, ContextValue, Outcome, Policy, PolicySet, Principal, Request, Truth,
};
use cloudwright_model::{Tri, Value};
use std::collections::HashMap;

fn policy(name: &str, json: serde_json::Value) -> Policy {
    let Tri::Known(st) = statements(Tri::Known(Value::from_json(&json))) else {
        panic!("{name}: not a policy");
    };
    Policy {
        name: name.into(),
        statements: st,
    }
}

const APP: &str = "arn:aws:iam::111122223333:role/app";
const ADMIN: &str = "arn:aws:iam::111122223333:role/admin";

fn req(action: &str, resource: &str) -> Request {
    Request::new(Principal::aws(APP), action, resource)
}

fn identity(json: serde_json::Value) -> PolicySet {
    PolicySet {
        identity: vec![policy("identity", json)],
        ..Default::default()
    }
}

fn allow(action: &str, resource: &str) -> serde_json::Value {
    serde_json::json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

#[test]
fn allow_deny_and_nothing() {
    let set = identity(allow("s3:GetObject", "*"));
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k")).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&set, &req("s3:PutObject", "arn:aws:s3:::b/k")).outcome,
        Outcome::ImplicitlyDenied
    );
    let set = identity(serde_json::json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
    ]}));
    let d = evaluate(&set, &req("s3:DeleteObject", "arn:aws:s3:::b/k"));
    assert_eq!(d.outcome, Outcome::Denied);
    assert_eq!(d.because[0].sid.as_deref(), Some("NoDeletes"));
    assert_eq!(d.because[0].statement, 1);
}

#[test]
fn action_names_compare_without_case_and_resources_with() {
    let set = identity(allow("S3:getobject", "arn:aws:s3:::Logs/*"));
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::Logs/x")).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::logs/x")).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn wildcards_in_the_middle_of_arns() {
    let set = identity(allow("s3:GetObject", "arn:aws:s3:::logs-*/2024/*"));
    assert_eq!(
        evaluate(
            &set,
            &req("s3:GetObject", "arn:aws:s3:::logs-prod/2024/01/app.log")
        )
        .outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(
            &set,
            &req("s3:GetObject", "arn:aws:s3:::logs-prod/2023/app.log")
        )
        .outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn not_action_with_allow_grants_nearly_everything() {
    let set = identity(serde_json::json!({"Statement": [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    ]}));
    assert_eq!(
        evaluate(&set, &req("ec2:TerminateInstances", "*")).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&set, &req("kms:Decrypt", "*")).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&set, &req("iam:PassRole", "*")).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn not_resource_excludes() {
    let set = identity(serde_json::json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secrets/*"}
    ]}));
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::public/a")).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::secrets/a")).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn not_principal_with_deny_denies_everyone_else() {
    let bucket = policy(
        "bucket policy",
        serde_json::json!({"Statement": [{
            "Effect": "Deny",
            "NotPrincipal": {"AWS": ADMIN},
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::vault/*"
        }]}),
    );
    let set = PolicySet {
        identity: vec![policy("identity", allow("s3:*", "*"))],
        resource: vec![bucket],
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::vault/x")).outcome,
        Outcome::Denied
    );
    let admin = Request::new(
        Principal::aws(ADMIN),
        "s3:GetObject",
        "arn:aws:s3:::vault/x",
    );
    assert_eq!(evaluate(&set, &admin).outcome, Outcome::Allowed);
}

#[test]
fn an_explicit_deny_in_a_boundary_wins_and_a_boundary_limits() {
    let set = PolicySet {
        identity: vec![policy("identity", allow("s3:*", "*"))],
        boundary: Some(vec![policy(
            "boundary",
            serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
            ]}),
        )]),
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("s3:DeleteBucket", "arn:aws:s3:::b")).outcome,
        Outcome::Denied
    );
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k")).outcome,
        Outcome::Allowed
    );
    // the boundary allows ec2, the identity policy does not grant it
    assert_eq!(
        evaluate(&set, &req("ec2:RunInstances", "*")).outcome,
        Outcome::ImplicitlyDenied
    );
    // identity grants iam, the boundary does not allow it
    let set = PolicySet {
        identity: vec![policy("identity", allow("*", "*"))],
        boundary: Some(vec![policy("boundary", allow("s3:*", "*"))]),
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("iam:CreateUser", "*")).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn cross_account_needs_both_sides_same_account_either() {
    let bucket_allows = policy(
        "bucket policy",
        serde_json::json!({"Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*"
        }]}),
    );
    let r = req("s3:GetObject", "arn:aws:s3:::shared/k");
    // cross-account: identity alone is not enough
    let set = PolicySet {
        identity: vec![policy("identity", allow("s3:GetObject", "*"))],
        resource_account: Some("444455556666".into()),
        ..Default::default()
    };
    assert_eq!(evaluate(&set, &r).outcome, Outcome::ImplicitlyDenied);
    let set = PolicySet {
        resource: vec![bucket_allows.clone()],
        ..set
    };
    assert_eq!(evaluate(&set, &r).outcome, Outcome::Allowed);
    // nor the resource policy alone
    let set = PolicySet {
        identity: Vec::new(),
        ..set
    };
    assert_eq!(evaluate(&set, &r).outcome, Outcome::ImplicitlyDenied);
    // same account: the resource policy suffices
    let set = PolicySet {
        resource: vec![bucket_allows],
        resource_account: Some("111122223333".into()),
        ..Default::default()
    };
    assert_eq!(evaluate(&set, &r).outcome, Outcome::Allowed);
}

#[test]
fn key_policies_and_trust_policies_are_always_required() {
    let set = PolicySet {
        identity: vec![policy("identity", allow("kms:Decrypt", "*"))],
        resource: vec![policy(
            "key policy",
            serde_json::json!({"Statement": [{
                "Effect": "Allow", "Principal": {"AWS": ADMIN}, "Action": "kms:*", "Resource": "*"
            }]}),
        )],
        resource_account: Some("111122223333".into()),
        resource_policy_required: true,
        ..Default::default()
    };
    assert_eq!(
        evaluate(
            &set,
            &req("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/1")
        )
        .outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn service_control_policies_must_allow_and_their_denies_win() {
    let set = PolicySet {
        identity: vec![policy("identity", allow("*", "*"))],
        scps: Some(vec![policy(
            "scp",
            serde_json::json!({"Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}
            ]}),
        )]),
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("organizations:LeaveOrganization", "*")).outcome,
        Outcome::Denied
    );
    assert_eq!(
        evaluate(&set, &req("s3:ListAllMyBuckets", "*")).outcome,
        Outcome::Allowed
    );
    let set = PolicySet {
        scps: Some(vec![policy("scp", allow("s3:*", "*"))]),
        ..set
    };
    assert_eq!(
        evaluate(&set, &req("ec2:RunInstances", "*")).outcome,
        Outcome::ImplicitlyDenied
    );
}

#[test]
fn a_condition_the_context_does_not_decide_makes_it_conditional() {
    let set = identity(serde_json::json!({"Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}}
    }]}));
    let d = evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k"));
    assert_eq!(
        d.outcome,
        Outcome::Conditional(vec!["StringEquals aws:SourceVpce = vpce-1a2b".into()])
    );
    let r = req("s3:GetObject", "arn:aws:s3:::b/k").with(
        "aws:SourceVpce",
        ContextValue::Values(vec!["vpce-1a2b".into()]),
    );
    assert_eq!(evaluate(&set, &r).outcome, Outcome::Allowed);
    // a conditional deny over an allow is conditional, not allowed
    let set = identity(serde_json::json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}));
    assert!(matches!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::b/k")).outcome,
        Outcome::Conditional(_)
    ));
    let tls = req("s3:GetObject", "arn:aws:s3:::b/k").with(
        "aws:SecureTransport",
        ContextValue::Values(vec!["true".into()]),
    );
    assert_eq!(evaluate(&set, &tls).outcome, Outcome::Allowed);
}

fn ctx(pairs: &[(&str, Option<&[&str]>)]) -> HashMap<String, ContextValue> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                match v {
                    Some(vals) => {
                        ContextValue::Values(vals.iter().map(|s| s.to_string()).collect())
                    }
                    None => ContextValue::Absent,
                },
            )
        })
        .collect()
}

fn vals(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// (operator, key, policy values, context values (`None`: absent), expected)
type Case<'a> = (
    &'a str,
    &'a str,
    &'a [&'a str],
    Option<&'a [&'a str]>,
    Truth,
);

#[test]
fn condition_operators() {
    use Truth::{False, True};
    let cases: &[Case] = &[
        // (operator, key, policy values, context values (None = absent), expected)
        ("StringEquals", "k", &["a", "b"], Some(&["b"]), True),
        ("StringEquals", "k", &["a"], Some(&["A"]), False),
        ("StringEqualsIgnoreCase", "k", &["a"], Some(&["A"]), True),
        ("StringLike", "k", &["dev-*"], Some(&["dev-42"]), True),
        ("StringNotEquals", "k", &["a", "b"], Some(&["c"]), True),
        ("StringNotEquals", "k", &["a", "b"], Some(&["a"]), False),
        ("StringNotLike", "k", &["prod-*"], Some(&["dev-1"]), True),
        ("StringEquals", "k", &["a"], None, False),
        // negated operators hold when the key is absent
        ("StringNotEquals", "k", &["a"], None, True),
        ("StringEqualsIfExists", "k", &["a"], None, True),
        ("StringEqualsIfExists", "k", &["a"], Some(&["b"]), False),
        ("NumericLessThan", "k", &["10"], Some(&["9"]), True),
        (
            "NumericGreaterThanEquals",
            "k",
            &["10"],
            Some(&["9"]),
            False,
        ),
        ("NumericNotEquals", "k", &["10"], Some(&["9"]), True),
        (
            "DateLessThan",
            "k",
            &["2026-01-01T00:00:00Z"],
            Some(&["2025-12-31T23:59:59Z"]),
            True,
        ),
        ("Bool", "k", &["true"], Some(&["True"]), True),
        (
            "IpAddress",
            "k",
            &["203.0.113.0/24"],
            Some(&["203.0.113.9"]),
            True,
        ),
        (
            "NotIpAddress",
            "k",
            &["203.0.113.0/24"],
            Some(&["198.51.100.1"]),
            True,
        ),
        (
            "IpAddress",
            "k",
            &["2001:db8::/32"],
            Some(&["2001:db8::1"]),
            True,
        ),
        (
            "ArnLike",
            "k",
            &["arn:aws:iam::*:role/ci-*"],
            Some(&["arn:aws:iam::111122223333:role/ci-deploy"]),
            True,
        ),
        (
            "ArnNotEquals",
            "k",
            &["arn:aws:sns:eu-west-1:1:t"],
            Some(&["arn:aws:sns:eu-west-1:1:t"]),
            False,
        ),
        ("Null", "k", &["true"], None, True),
        ("Null", "k", &["true"], Some(&["x"]), False),
        ("Null", "k", &["false"], Some(&["x"]), True),
        // sets
        (
            "ForAllValues:StringEquals",
            "k",
            &["a", "b"],
            Some(&["a", "b"]),
            True,
        ),
        (
            "ForAllValues:StringEquals",
            "k",
            &["a", "b"],
            Some(&["a", "c"]),
            False,
        ),
        // ForAllValues over an absent key is (vacuously) true
        ("ForAllValues:StringEquals", "k", &["a"], None, True),
        (
            "ForAnyValue:StringEquals",
            "k",
            &["a"],
            Some(&["c", "a"]),
            True,
        ),
        ("ForAnyValue:StringEquals", "k", &["a"], None, False),
        // negated set operators
        (
            "ForAllValues:StringNotEquals",
            "k",
            &["x", "y"],
            Some(&["a", "b"]),
            True,
        ),
        (
            "ForAllValues:StringNotEquals",
            "k",
            &["x", "y"],
            Some(&["a", "x"]),
            False,
        ),
        (
            "ForAnyValue:StringNotEquals",
            "k",
            &["x"],
            Some(&["x", "b"]),
            True,
        ),
    ];
    for (op, key, policy, actual, want) in cases {
        let c = ctx(&[(key, *actual)]);
        assert_eq!(
            &condition(op, key, &vals(policy), &c),
            want,
            "{op} {key} {policy:?} against {actual:?}"
        );
    }
    // unknown key
    assert_eq!(
        condition(
            "StringEquals",
            "aws:SourceIp",
            &vals(&["x"]),
            &HashMap::new()
        ),
        Truth::Depends(vec!["StringEquals aws:SourceIp = x".into()])
    );
}

#[test]
fn policy_variables_resolve_from_the_context_or_make_it_conditional() {
    let set = identity(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"));
    let r = req("s3:GetObject", "arn:aws:s3:::home/alice/notes")
        .with("aws:username", ContextValue::Values(vec!["alice".into()]));
    assert_eq!(evaluate(&set, &r).outcome, Outcome::Allowed);
    let r = req("s3:GetObject", "arn:aws:s3:::home/bob/notes")
        .with("aws:username", ContextValue::Values(vec!["alice".into()]));
    assert_eq!(evaluate(&set, &r).outcome, Outcome::ImplicitlyDenied);
    let r = req("s3:GetObject", "arn:aws:s3:::home/alice/notes");
    assert!(matches!(
        evaluate(&set, &r).outcome,
        Outcome::Conditional(_)
    ));
}

#[test]
fn principals_in_resource_policies() {
    let queue = |principal: serde_json::Value| PolicySet {
        resource: vec![policy(
            "queue policy",
            serde_json::json!({"Statement": [{
                "Effect": "Allow", "Principal": principal, "Action": "sqs:SendMessage", "Resource": "*"
            }]}),
        )],
        resource_account: Some("111122223333".into()),
        ..Default::default()
    };
    let r = req("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q");
    assert_eq!(
        evaluate(&queue(serde_json::json!("*")), &r).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&queue(serde_json::json!({"AWS": "111122223333"})), &r).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(&queue(serde_json::json!({"AWS": ADMIN})), &r).outcome,
        Outcome::ImplicitlyDenied
    );
    let sns = Request::new(
        Principal::service("sns.amazonaws.com"),
        "sqs:SendMessage",
        "arn:aws:sqs:eu-west-1:111122223333:q",
    );
    assert_eq!(
        evaluate(
            &queue(serde_json::json!({"Service": "sns.amazonaws.com"})),
            &sns
        )
        .outcome,
        Outcome::Allowed
    );
}

#[test]
fn a_part_known_only_after_apply_makes_it_conditional() {
    use std::collections::BTreeMap;
    // { Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.b.arn }
    let st = Value::map(BTreeMap::from([
        ("Effect".to_string(), Value::string("Allow")),
        ("Action".to_string(), Value::string("s3:GetObject")),
        (
            "Resource".to_string(),
            Value::unknown_from("aws_s3_bucket.b.arn"),
        ),
    ]));
    let doc = Value::map(BTreeMap::from([(
        "Statement".to_string(),
        Value::list(vec![st]),
    )]));
    let Tri::Known(statements) = statements(Tri::Known(doc)) else {
        panic!()
    };
    let set = PolicySet {
        identity: vec![Policy {
            name: "p".into(),
            statements,
        }],
        ..Default::default()
    };
    assert_eq!(
        evaluate(&set, &req("s3:GetObject", "arn:aws:s3:::anything/k")).outcome,
        Outcome::Conditional(vec![
            "the statement's Resource is known only after apply".into()
        ])
    );
    assert_eq!(
        evaluate(&set, &req("s3:PutObject", "arn:aws:s3:::anything/k")).outcome,
        Outcome::ImplicitlyDenied
    );
}
