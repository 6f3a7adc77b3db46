//! AWS rules, one directory per service, one file per rule.

pub mod account;
pub mod apigateway;
pub mod athena;
pub mod autoscaling;
pub mod backup;
pub mod beanstalk;
pub mod cloudfront;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod codebuild;
pub mod cost;
pub mod dms;
pub mod docdb;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod fsx;
pub mod glue;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod mq;
pub mod msk;
pub mod nacl;
pub mod neptune;
pub mod net;
pub mod network;
pub mod opensearch;
pub mod rds;
pub mod redshift;
pub mod resilience;
pub mod s3;
pub mod sagemaker;
pub mod secrets;
pub mod secretsmanager;
pub mod sg;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod transfer;
pub mod vpc;
pub mod workspaces;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    [
        s3::rules(),
        sg::rules(),
        rds::rules(),
        ec2::rules(),
        elb::rules(),
        cloudtrail::rules(),
        cloudwatch::rules(),
        cost::rules(),
        resilience::rules(),
        cloudfront::rules(),
        vpc::rules(),
        kms::rules(),
        iam::rules(),
        secrets::rules(),
        ecr::rules(),
        dynamodb::rules(),
        sqs::rules(),
        sns::rules(),
        lambda::rules(),
        eks::rules(),
        elasticache::rules(),
        efs::rules(),
        ecs::rules(),
        autoscaling::rules(),
        nacl::rules(),
        apigateway::rules(),
        account::rules(),
        network::rules(),
        net::rules(),
        fsx::rules(),
        beanstalk::rules(),
        sagemaker::rules(),
        workspaces::rules(),
        transfer::rules(),
        docdb::rules(),
        neptune::rules(),
        msk::rules(),
        kinesis::rules(),
        secretsmanager::rules(),
        ssm::rules(),
        athena::rules(),
        glue::rules(),
        backup::rules(),
        logs::rules(),
        codebuild::rules(),
        mq::rules(),
        dms::rules(),
        redshift::rules(),
        opensearch::rules(),
    ]
    .concat()
}
