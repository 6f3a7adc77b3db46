//! Escalation paths on fixture roles: each known pattern is found, and not
//! found when a deny, a boundary or a resource constraint blocks it.

use cloudwright_iam::escalation::{analyse, Analysis};
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn analysis() -> Vec<Analysis> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    analyse(&graph)
}

fn get<'a>(all: &'a [Analysis], address: &str) -> &'a Analysis {
    all.iter().find(|a| a.address == address).unwrap()
}

fn route(a: &Analysis) -> Vec<(String, Vec<String>)> {
    a.escalation_paths
        .iter()
        .map(|p| {
            (
                p.target.clone(),
                p.steps.iter().map(|s| s.action.clone()).collect(),
            )
        })
        .collect()
}

#[test]
fn administrators_are_recognised() {
    let all = analysis();
    for admin in [
        "aws_iam_role.admin",
        "aws_iam_role.deployer",
        "aws_iam_role.vault",
        "aws_iam_user.root_like",
    ] {
        assert!(get(&all, admin).admin_equivalent, "{admin}");
    }
    for not in [
        "aws_iam_role.reader",
        "aws_iam_role.power",
        "aws_iam_role.passer",
    ] {
        assert!(!get(&all, not).admin_equivalent, "{not}");
    }
}

#[test]
fn each_escalation_pattern_is_found() {
    let all = analysis();
    let s = |x: &[&str]| x.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    assert_eq!(
        route(get(&all, "aws_iam_role.self_modifier")),
        vec![("administrator".to_string(), s(&["iam:PutRolePolicy"]))]
    );
    assert_eq!(
        route(get(&all, "aws_iam_role.assumer")),
        vec![("aws_iam_role.admin".to_string(), s(&["sts:AssumeRole"]))]
    );
    assert_eq!(
        route(get(&all, "aws_iam_role.passer")),
        vec![(
            "aws_iam_role.deployer".to_string(),
            s(&["iam:PassRole", "lambda:CreateFunction"])
        )]
    );
    assert_eq!(
        route(get(&all, "aws_iam_role.trust_editor")),
        vec![(
            "aws_iam_role.vault".to_string(),
            s(&["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"])
        )]
    );
    assert_eq!(
        route(get(&all, "aws_iam_role.operator")),
        vec![("aws_iam_role.vault".to_string(), s(&["ssm:SendCommand"]))]
    );
    assert_eq!(
        route(get(&all, "aws_iam_user.helpdesk")),
        vec![(
            "aws_iam_user.root_like".to_string(),
            s(&["iam:CreateAccessKey"])
        )]
    );
    // the step names the statement that allows it, where it is written
    let passer = get(&all, "aws_iam_role.passer");
    let step = &passer.escalation_paths[0].steps[0];
    assert_eq!(step.policy.as_deref(), Some("aws_iam_policy.pass"));
    assert!(step.span.is_some());
}

#[test]
fn a_deny_a_boundary_or_a_resource_constraint_blocks_it() {
    let all = analysis();
    for blocked in [
        "aws_iam_role.denied",
        "aws_iam_role.bounded",
        "aws_iam_role.constrained",
        "aws_iam_role.reader",
    ] {
        assert!(
            get(&all, blocked).escalation_paths.is_empty(),
            "{blocked}: {:?}",
            get(&all, blocked).escalation_paths
        );
    }
}

#[test]
fn policies_that_cannot_be_read_are_reported() {
    let all = analysis();
    let table = cloudwright_iam::managed::managed_policies();
    // (a set: in order)
    assert_eq!(
        get(&all, "aws_iam_role.opaque").missing,
        vec![
            "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole (attached by aws_iam_role.opaque): no AWS-managed policy has this ARN (AWS's policy of that name is arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole; attaching this one fails)".to_string(),
            format!("arn:aws:iam::aws:policy/ExamplePublishedLaterAccess (attached by aws_iam_role.opaque): not among the {} AWS-managed policies bundled ({}); contents unknown", table.len(), table.source),
        ]
    );
    // a role with a policy not analysed is never said to have no path
    assert!(get(&all, "aws_iam_role.opaque").escalation_paths.is_empty());
}

#[test]
fn every_aws_managed_policy_is_bundled_and_analysed() {
    let table = cloudwright_iam::managed::managed_policies();
    assert!(table.len() >= 1500, "{}", table.len());
    assert!(table.source.starts_with("moto "), "{}", table.source);
    let all = analysis();
    let rds = get(&all, "aws_iam_role.rds_admin");
    assert_eq!(rds.missing, Vec::<String>::new());
    assert!(!rds.admin_equivalent);
    let policy =
        cloudwright_iam::principals::managed_policy("arn:aws:iam::aws:policy/AmazonRDSFullAccess")
            .unwrap();
    assert_eq!(policy.name, "AWS managed AmazonRDSFullAccess");
    assert_eq!(policy.statements[0].actions[0], "rds:*");
    // its service-linked role grant holds only under its condition
    assert!(policy.statements[2].has_condition());
    // every document in the table reads as a policy
    let unread: Vec<String> = table
        .names()
        .filter(|arn| cloudwright_iam::principals::managed_policy(arn).is_none())
        .collect();
    assert_eq!(unread, Vec::<String>::new());
}

#[test]
fn the_managed_policies_instances_commonly_carry_are_analysed() {
    let all = analysis();
    let node = get(&all, "aws_iam_role.ssm_node");
    assert_eq!(node.missing, Vec::<String>::new());
    assert!(!node.admin_equivalent);
    assert!(node.escalation_paths.is_empty());
    let ssm = cloudwright_iam::principals::managed_policy(
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    )
    .unwrap();
    assert_eq!(ssm.name, "AWS managed AmazonSSMManagedInstanceCore");
    assert_eq!(ssm.statements.len(), 3);
    assert!(ssm.statements[0]
        .actions
        .contains(&"ssm:GetParameters".to_string()));
    // by their real ARNs, paths and all, in any partition
    use cloudwright_iam::principals::managed_policy;
    for arn in [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController",
        "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ] {
        assert!(managed_policy(arn).is_some(), "{arn}");
    }
    // a policy AWS does not have under that path is not guessed at
    assert!(managed_policy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").is_none());
    assert!(managed_policy("AmazonSSMManagedInstanceCore").is_none());
    let eks = managed_policy("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy").unwrap();
    assert_eq!(eks.statements.len(), 3);
    assert!(eks.statements[1].has_condition());
}

#[test]
fn a_service_control_policy_on_the_account_blocks_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escalation_scp");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    let all = analyse(&graph);
    let role = get(&all, "aws_iam_role.self_modifier");
    assert!(
        role.escalation_paths.is_empty(),
        "{:?}",
        role.escalation_paths
    );
    // what the SCP does not deny still works: FullAWSAccess is assumed
    let subjects = cloudwright_iam::principals::subjects(&graph);
    let set = cloudwright_iam::privileges::policy_set(&subjects[0]);
    let req = cloudwright_iam::eval::Request::new(
        cloudwright_iam::eval::Principal::aws(&subjects[0].arn),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    );
    assert_eq!(
        cloudwright_iam::eval::evaluate(&set, &req).outcome,
        cloudwright_iam::eval::Outcome::Allowed
    );
    // a policy on the organisation's root applies to the account
    let leave = cloudwright_iam::eval::Request::new(
        cloudwright_iam::eval::Principal::aws(&subjects[0].arn),
        "organizations:LeaveOrganization",
        "*",
    );
    assert_eq!(
        cloudwright_iam::eval::evaluate(&set, &leave).outcome,
        cloudwright_iam::eval::Outcome::Denied
    );
    // one on an organisational unit cannot be placed: said, not guessed
    assert_eq!(
        subjects[0].missing,
        vec!["aws_organizations_policy_attachment.sandbox attaches a service control policy to aws_organizations_organizational_unit.sandbox: not applied (which accounts the unit holds is not in the configuration)".to_string()]
    );
}

#[test]
fn resource_access_is_classified() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/access");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    let access = cloudwright_iam::access::resource_access(&graph);
    let got: Vec<(&str, &str)> = access
        .iter()
        .map(|a| (a.address.as_str(), a.classification))
        .collect();
    assert_eq!(
        got,
        vec![
            ("aws_sqs_queue_policy.narrowed", "account"),
            ("aws_sqs_queue_policy.org", "organization"),
            ("aws_sqs_queue_policy.own_account", "account"),
            ("aws_sqs_queue_policy.partner", "cross-account"),
            ("aws_sqs_queue_policy.public", "public"),
            ("aws_sqs_queue_policy.unknown_partner", "unknown"),
            ("aws_iam_role.eks_pods", "federated"),
            ("aws_iam_role.github_any", "public"),
            ("aws_iam_role.github_repo", "federated"),
            ("aws_iam_role.github_unknown_subject", "unknown"),
            ("aws_iam_role.partner", "cross-account"),
            ("aws_iam_role.saml", "federated"),
            ("aws_lambda_permission.bucket", "service"),
            ("aws_lambda_permission.url", "public"),
        ]
    );
    let partner_role = access
        .iter()
        .find(|a| a.address == "aws_iam_role.partner")
        .unwrap();
    assert!(partner_role.external_id);
    let unknown = access
        .iter()
        .find(|a| a.address == "aws_sqs_queue_policy.unknown_partner")
        .unwrap();
    assert_eq!(
        unknown.unknown.as_deref(),
        Some("a principal of the policy is not known from the code")
    );
    // a federated trust names the subjects its tokens must carry
    let repo = access
        .iter()
        .find(|a| a.address == "aws_iam_role.github_repo")
        .unwrap();
    assert_eq!(
        repo.principals,
        ["Federated:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com (sub: repo:acme/deploy:*)"]
    );
    let subject = access
        .iter()
        .find(|a| a.address == "aws_iam_role.github_unknown_subject")
        .unwrap();
    assert_eq!(
        subject.unknown.as_deref(),
        Some("the subjects the trust admits are not known from the code")
    );
}

#[test]
fn references_known_only_after_apply_name_their_resources() {
    let all = analysis();
    let s = |x: &[&str]| x.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    assert_eq!(
        route(get(&all, "aws_iam_role.ref_passer")),
        vec![(
            "aws_iam_role.deployer".to_string(),
            s(&["iam:PassRole", "lambda:CreateFunction"])
        )]
    );
    // the trust policy names aws_iam_role.ci by reference: no identity
    // permission is needed
    assert_eq!(
        route(get(&all, "aws_iam_role.ci")),
        vec![("aws_iam_role.ci_admin".to_string(), s(&["sts:AssumeRole"]))]
    );
}

#[test]
fn the_other_patterns_pass_roles_to_services_rewrite_policies_and_take_over_users() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patterns");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    let all = analyse(&graph);
    let first = |address: &str| -> (String, Vec<String>) {
        route(get(&all, address))
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    let s = |x: &[&str]| x.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    assert_eq!(
        first("aws_iam_role.via[\"ec2\"]"),
        (
            "aws_iam_role.target[\"ec2\"]".into(),
            s(&["iam:PassRole", "ec2:RunInstances"])
        )
    );
    assert_eq!(
        first("aws_iam_role.via[\"cloudformation\"]").1,
        s(&["iam:PassRole", "cloudformation:CreateStack"])
    );
    assert_eq!(
        first("aws_iam_role.via[\"glue\"]").1,
        s(&["iam:PassRole", "glue:CreateDevEndpoint"])
    );
    assert_eq!(
        first("aws_iam_role.via[\"codebuild\"]").1,
        s(&[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild"
        ])
    );
    assert_eq!(
        first("aws_iam_role.via[\"ecs-tasks\"]").1,
        s(&["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"])
    );
    assert!(get(&all, "aws_iam_role.half_codebuild")
        .escalation_paths
        .is_empty());
    assert_eq!(
        first("aws_iam_role.versioner"),
        ("administrator".into(), s(&["iam:CreatePolicyVersion"]))
    );
    assert_eq!(
        first("aws_iam_user.self_attacher"),
        ("administrator".into(), s(&["iam:AttachUserPolicy"]))
    );
    assert_eq!(
        first("aws_iam_user.grouper"),
        ("administrator".into(), s(&["iam:AddUserToGroup"]))
    );
    assert_eq!(
        first("aws_iam_user.console"),
        ("aws_iam_user.admin".into(), s(&["iam:CreateLoginProfile"]))
    );
    assert_eq!(
        first("aws_iam_user.member"),
        ("administrator".into(), s(&["iam:PutUserPolicy"]))
    );
}

/// An administrator or an escalation path stays, or the principal's
/// policies are reported as not analysed, when any setting of any resource
/// of the fixtures (policies, attachments, roles, boundaries) is not
/// determined by the code — never a silent "no path".
#[test]
fn a_path_never_vanishes_when_a_setting_is_unknown() {
    let mut lost = Vec::new();
    for fixture in ["escalation", "patterns"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        let mut graph = load(&[dir], &LoadOptions::default());
        let flagged: Vec<String> = analyse(&graph)
            .into_iter()
            .filter(|a| a.admin_equivalent || !a.escalation_paths.is_empty())
            .map(|a| a.address)
            .collect();
        for i in 0..graph.resources.len() {
            let address = graph.resources[i].address.to_string();
            cloudwright_model::testing::with_each_unknown(&mut graph, i, |graph, label, _| {
                let now = analyse(graph);
                for p in &flagged {
                    let kept = now.iter().any(|a| {
                        a.address == *p
                            && (a.admin_equivalent
                                || !a.escalation_paths.is_empty()
                                || !a.missing.is_empty())
                    });
                    if !kept {
                        lost.push(format!(
                            "{fixture}: {p} has no path when {address}.{label} is unknown"
                        ));
                    }
                }
                // and no path is claimed on a guess
                for a in now
                    .iter()
                    .filter(|a| a.admin_equivalent || !a.escalation_paths.is_empty())
                {
                    if !flagged.contains(&a.address) {
                        lost.push(format!(
                            "{fixture}: {} gains a path when {address}.{label} is unknown",
                            a.address
                        ));
                    }
                }
            });
        }
    }
    assert!(
        lost.is_empty(),
        "{} paths vanish silently:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

/// A resource policy open beyond the account stays so or becomes
/// undecidable, and none opens on a guess, when any setting of any
/// resource of the fixture is not determined by the code.
#[test]
fn resource_access_never_changes_silently_when_a_setting_is_unknown() {
    use cloudwright_iam::access::resource_access;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/access");
    let mut graph = load(&[dir], &LoadOptions::default());
    let wide = |a: &cloudwright_iam::access::Access| {
        a.unknown.is_none() && matches!(a.classification, "public" | "cross-account")
    };
    let open: Vec<String> = resource_access(&graph)
        .iter()
        .filter(|a| wide(a))
        .map(|a| a.address.to_string())
        .collect();
    assert!(!open.is_empty());
    let mut changed = Vec::new();
    for i in 0..graph.resources.len() {
        let address = graph.resources[i].address.to_string();
        cloudwright_model::testing::with_each_unknown(&mut graph, i, |graph, label, _| {
            let now = resource_access(graph);
            for o in &open {
                let kept = now
                    .iter()
                    .any(|a| a.address == *o && (wide(a) || a.unknown.is_some()));
                if !kept {
                    changed.push(format!("{o} closes when {address}.{label} is unknown"));
                }
            }
            for a in now.iter().filter(|a| wide(a)) {
                if !open.contains(&a.address) {
                    changed.push(format!(
                        "{} opens when {address}.{label} is unknown",
                        a.address
                    ));
                }
            }
        });
    }
    assert!(
        changed.is_empty(),
        "{} resource policies change silently:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

/// Terragrunt units: a role that trusts another unit's role, named by that
/// unit's outputs, is a path from it — and only from it, not from the
/// same role in a third unit.
#[test]
fn an_escalation_path_crosses_terragrunt_units_by_their_outputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terragrunt_units");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    let all = analyse(&graph);
    let in_root = |root: &str, address: &str| {
        all.iter()
            .find(|a| a.root == root && a.address == address)
            .unwrap_or_else(|| panic!("no {address} in {root}"))
    };
    let ci = in_root("live/ci", "aws_iam_role.ci");
    assert_eq!(
        route(ci),
        vec![(
            "live/deploy: aws_iam_role.deployer".to_string(),
            vec!["sts:AssumeRole".to_string()]
        )]
    );
    assert_eq!(
        ci.escalation_paths[0].steps[0].detail,
        "assumes live/deploy: aws_iam_role.deployer, whose trust policy admits it"
    );
    assert!(in_root("live/other", "aws_iam_role.ci")
        .escalation_paths
        .is_empty());
    assert!(in_root("live/deploy", "aws_iam_role.deployer").admin_equivalent);
}

/// Two roots in two accounts: a policy granting an account is judged
/// against its own root's account (prod granting prod is its own account;
/// it was judged against the first root's, dev's).
#[test]
fn each_root_is_judged_against_its_own_account() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two_accounts");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{:?}", graph.diagnostics);
    let access = cloudwright_iam::access::resource_access(&graph);
    let class = |root: &str| -> Vec<&str> {
        access
            .iter()
            .filter(|a| a.root == root)
            .map(|a| a.classification)
            .collect()
    };
    // (the roles' trust policies admit a service)
    assert_eq!(class("dev"), ["cross-account", "service"]);
    assert_eq!(class("prod"), ["account", "service"]);
    // a principal's ARN is in its own root's account
    let subjects = cloudwright_iam::principals::subjects(&graph);
    let arns: Vec<(&str, &str)> = subjects
        .iter()
        .map(|s| (&*s.resource.root, s.arn.as_str()))
        .collect();
    assert_eq!(
        arns,
        [
            ("dev", "arn:aws:iam::111111111111:role/app"),
            ("prod", "arn:aws:iam::222222222222:role/app")
        ]
    );
}
