//! Databases, caches, object and file storage, streams, search, queues
//! of brokers, registries, backups.

use super::{count, fixed, flag, num, referenced, text, usage, Ctx, Spec};
use crate::catalogue::Selector;
use crate::HOURS_PER_MONTH;
use cloudwright_model::Resource;

/// The Price List's engine name for an RDS engine; licence-priced engines
/// (Oracle, SQL Server, Db2) are not in the catalogue.
fn rds_engine(r: &Resource, engine: &str) -> Result<&'static str, String> {
    Ok(match engine {
        "mysql" => "MySQL",
        "postgres" => "PostgreSQL",
        "mariadb" => "MariaDB",
        "aurora" | "aurora-mysql" => "Aurora MySQL",
        "aurora-postgresql" => "Aurora PostgreSQL",
        other => {
            return Err(format!(
                "{}: the {other} engine is licence-priced and not in the catalogue",
                r.address
            ))
        }
    })
}

fn rds_hours(class: &str, engine: &str, multi_az: bool) -> Selector {
    Selector::new("AmazonRDS", "Database Instance", "Hrs")
        .with("instanceType", class)
        .with("databaseEngine", engine)
        .with(
            "deploymentOption",
            if multi_az { "Multi-AZ" } else { "Single-AZ" },
        )
}

pub fn db_instance(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(class) = text(r, "instance_class")? else {
        return Err(format!("{} sets no instance_class", r.address));
    };
    // a read replica runs its source's engine
    let engine = match text(r, "engine")? {
        Some(e) => e,
        None => referenced(ctx.graph, r, "replicate_source_db", "aws_db_instance")
            .map(|s| text(s, "engine"))
            .transpose()?
            .flatten()
            .ok_or_else(|| format!("{} sets no engine", r.address))?,
    };
    let engine = rds_engine(r, &engine)?;
    let multi_az = flag(r, "multi_az")? == Some(true);
    let deployment = if multi_az { "Multi-AZ" } else { "Single-AZ" };
    let mut out = vec![fixed(
        format!("Database instance ({engine}, {class}, {deployment})"),
        rds_hours(&class, engine, multi_az),
        HOURS_PER_MONTH,
    )];
    let iops = num(r, "iops")?;
    let storage_type = match text(r, "storage_type")? {
        Some(t) => t,
        // the provider's default: io1 when IOPS are set, else gp2
        None if iops.is_some() => "io1".into(),
        None => "gp2".into(),
    };
    let volume_type = match storage_type.as_str() {
        "gp2" => "General Purpose",
        "gp3" => "General Purpose-GP3",
        "io1" => "Provisioned IOPS",
        "io2" => "Provisioned IOPS-IO2",
        "standard" => "Magnetic",
        other => return Err(format!("unknown RDS storage type {other:?}")),
    };
    let storage = Selector::new("AmazonRDS", "Database Storage", "GB-Mo")
        .with("volumeType", volume_type)
        .with("deploymentOption", deployment);
    match num(r, "allocated_storage")? {
        Some(gb) => out.push(fixed(format!("Storage ({storage_type})"), storage, gb)),
        None if r.get("replicate_source_db").is_some() => {
            let source_gb = referenced(ctx.graph, r, "replicate_source_db", "aws_db_instance")
                .map(|s| num(s, "allocated_storage"))
                .transpose()?
                .flatten();
            match source_gb {
                Some(gb) => out.push(fixed(format!("Storage ({storage_type})"), storage, gb)),
                None => {
                    return Err(format!(
                    "{}: the replica's storage is its source's, which is not in this configuration",
                    r.address
                ))
                }
            }
        }
        None => return Err(format!("{} sets no allocated_storage", r.address)),
    }
    let gb = num(r, "allocated_storage")?.unwrap_or(0.0);
    match storage_type.as_str() {
        "io1" | "io2" => {
            let Some(iops) = iops else {
                return Err(format!("{}: {storage_type} storage needs iops", r.address));
            };
            out.push(fixed(
                format!("Provisioned IOPS ({storage_type})"),
                Selector::new("AmazonRDS", "Provisioned IOPS", "IOPS-Mo")
                    .with("volumeType", volume_type)
                    .with("deploymentOption", deployment),
                iops,
            ));
        }
        "gp3" => {
            // gp3 includes 3,000 IOPS below 400 GB (12,000 from 400 GB;
            // 20 GB for SQL Server is not priced here)
            let included = if gb >= 400.0 { 12_000.0 } else { 3_000.0 };
            let extra = iops.unwrap_or(included) - included;
            if extra > 0.0 {
                out.push(fixed(
                    "Provisioned IOPS above the gp3 baseline",
                    Selector::new("AmazonRDS", "Provisioned IOPS", "IOPS-Mo")
                        .with("volumeType", volume_type)
                        .with("deploymentOption", deployment),
                    extra,
                ));
            }
        }
        _ => {}
    }
    out.push(usage(
        "Backup storage beyond the free allowance",
        Selector::new("AmazonRDS", "Storage Snapshot", "GB-Mo")
            .with("usagetype", "RDS:ChargedBackupUsage"),
        ctx.usage(r, "additional_backup_storage_gb"),
        "additional_backup_storage_gb",
    ));
    Ok(out)
}

/// An Aurora cluster: storage and I/O (usage-based; I/O-Optimized clusters
/// pay more for storage and nothing for I/O). Its instances are priced as
/// `aws_rds_cluster_instance`.
pub fn rds_cluster(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let engine = text(r, "engine")?.unwrap_or_else(|| "aurora".into());
    if !engine.starts_with("aurora") {
        // Multi-AZ DB clusters (mysql/postgres) bill through their instances
        return Err(format!(
            "{}: Multi-AZ DB clusters of {engine} are not priced yet",
            r.address
        ));
    }
    let mut out = Vec::new();
    if text(r, "engine_mode")?.as_deref() == Some("serverless") {
        out.push(usage(
            "Aurora Serverless v1 capacity",
            Selector::new("AmazonRDS", "Serverless", "ACU-Hr")
                .with("databaseEngine", rds_engine(r, &engine)?),
            ctx.usage(r, "capacity_units_per_hr")
                .map(|a| a * HOURS_PER_MONTH),
            "capacity_units_per_hr",
        ));
    }
    let optimized = text(r, "storage_type")?.as_deref() == Some("aurora-iopt1");
    if optimized {
        out.push(usage(
            "Storage (I/O-Optimized)",
            Selector::new("AmazonRDS", "Database Storage", "GB-Mo")
                .with("usagetype", "Aurora:IO-OptimizedStorageUsage"),
            ctx.usage(r, "storage_gb"),
            "storage_gb",
        ));
    } else {
        out.push(usage(
            "Storage",
            Selector::new("AmazonRDS", "Database Storage", "GB-Mo")
                .with("usagetype", "Aurora:StorageUsage"),
            ctx.usage(r, "storage_gb"),
            "storage_gb",
        ));
        out.push(usage(
            "I/O requests",
            Selector::new("AmazonRDS", "System Operation", "IOs")
                .with("usagetype", "Aurora:StorageIOUsage"),
            ctx.usage(r, "monthly_io_requests"),
            "monthly_io_requests",
        ));
    }
    out.push(usage(
        "Backup storage beyond the free allowance",
        Selector::new("AmazonRDS", "Storage Snapshot", "GB-Mo")
            .with("usagetype", "RDS:ChargedBackupUsage"),
        ctx.usage(r, "backup_snapshot_size_gb"),
        "backup_snapshot_size_gb",
    ));
    Ok(out)
}

pub fn rds_cluster_instance(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(class) = text(r, "instance_class")? else {
        return Err(format!("{} sets no instance_class", r.address));
    };
    let cluster = referenced(ctx.graph, r, "cluster_identifier", "aws_rds_cluster");
    let engine = match text(r, "engine")? {
        Some(e) => e,
        None => cluster
            .map(|c| text(c, "engine"))
            .transpose()?
            .flatten()
            .unwrap_or_else(|| "aurora".into()),
    };
    let engine = rds_engine(r, &engine)?;
    if class == "db.serverless" {
        return Ok(vec![usage(
            "Aurora Serverless v2 capacity",
            Selector::new("AmazonRDS", "ServerlessV2", "ACU-Hr").with("databaseEngine", engine),
            ctx.usage(r, "capacity_units_per_hr")
                .map(|a| a * HOURS_PER_MONTH),
            "capacity_units_per_hr",
        )]);
    }
    let optimized = cluster
        .map(|c| text(c, "storage_type"))
        .transpose()?
        .flatten()
        .as_deref()
        == Some("aurora-iopt1");
    if optimized {
        return Err(format!(
            "{}: I/O-Optimized instance prices are not in the catalogue",
            r.address
        ));
    }
    Ok(vec![fixed(
        format!("Database instance ({engine}, {class})"),
        rds_hours(&class, engine, false),
        HOURS_PER_MONTH,
    )])
}

fn cache_hours(node_type: &str, engine: &str) -> Selector {
    Selector::new("AmazonElastiCache", "Cache Instance", "Hrs")
        .with("instanceType", node_type)
        .with("cacheEngine", engine)
}

fn cache_engine(r: &Resource, engine: &str) -> Result<&'static str, String> {
    match engine {
        "redis" => Ok("Redis"),
        "memcached" => Ok("Memcached"),
        other => Err(format!(
            "{}: ElastiCache for {other} is not in the catalogue",
            r.address
        )),
    }
}

pub fn elasticache_cluster(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if r.get("replication_group_id").is_some_and(|v| !v.is_null()) {
        // a member of a replication group, priced there
        return Ok(Vec::new());
    }
    let Some(node_type) = text(r, "node_type")? else {
        return Err(format!("{} sets no node_type", r.address));
    };
    let engine = cache_engine(r, &text(r, "engine")?.unwrap_or_else(|| "redis".into()))?;
    let nodes = num(r, "num_cache_nodes")?.unwrap_or(1.0);
    Ok(vec![fixed(
        format!("Cache nodes ({engine}, {node_type} × {nodes})"),
        cache_hours(&node_type, engine),
        HOURS_PER_MONTH * nodes,
    )])
}

pub fn elasticache_replication_group(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(node_type) = text(r, "node_type")? else {
        return Err(format!("{} sets no node_type", r.address));
    };
    let engine = cache_engine(r, &text(r, "engine")?.unwrap_or_else(|| "redis".into()))?;
    // cluster mode: shards × (replicas + 1); otherwise the cache clusters
    let nodes = match num(r, "num_node_groups")? {
        Some(shards) => shards * (num(r, "replicas_per_node_group")?.unwrap_or(0.0) + 1.0),
        None => num(r, "num_cache_clusters")?.unwrap_or(1.0),
    };
    Ok(vec![fixed(
        format!("Cache nodes ({engine}, {node_type} × {nodes})"),
        cache_hours(&node_type, engine),
        HOURS_PER_MONTH * nodes,
    )])
}

/// DynamoDB: provisioned capacity by the hour, or on-demand requests;
/// storage from usage. Global tables' replicas are not priced yet.
pub fn dynamodb_table(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if count(r, "replica")? > 0 {
        return Err(format!(
            "{}: global table replicas are not priced yet",
            r.address
        ));
    }
    if text(r, "table_class")?.as_deref() == Some("STANDARD_INFREQUENT_ACCESS") {
        return Err(format!(
            "{}: the Standard-IA table class is not in the catalogue",
            r.address
        ));
    }
    let mode = text(r, "billing_mode")?.unwrap_or_else(|| "PROVISIONED".into());
    let mut out = Vec::new();
    if mode == "PAY_PER_REQUEST" {
        out.push(usage(
            "On-demand write request units",
            Selector::new(
                "AmazonDynamoDB",
                "Amazon DynamoDB PayPerRequest Throughput",
                "WriteRequestUnits",
            )
            .with("group", "DDB-WriteUnits"),
            ctx.usage(r, "monthly_write_request_units"),
            "monthly_write_request_units",
        ));
        out.push(usage(
            "On-demand read request units",
            Selector::new(
                "AmazonDynamoDB",
                "Amazon DynamoDB PayPerRequest Throughput",
                "ReadRequestUnits",
            )
            .with("group", "DDB-ReadUnits"),
            ctx.usage(r, "monthly_read_request_units"),
            "monthly_read_request_units",
        ));
    } else {
        let mut capacity = |path: &str, label: &str, unit: &'static str, group: &str| {
            num(r, path).map(|n| {
                let n = n.unwrap_or(0.0);
                out.push(fixed(
                    format!("{label} ({n})"),
                    Selector::new("AmazonDynamoDB", "Provisioned IOPS", unit).with("group", group),
                    n * HOURS_PER_MONTH,
                ));
            })
        };
        capacity(
            "write_capacity",
            "Write capacity units",
            "WriteCapacityUnit-Hrs",
            "DDB-WriteUnits",
        )?;
        capacity(
            "read_capacity",
            "Read capacity units",
            "ReadCapacityUnit-Hrs",
            "DDB-ReadUnits",
        )?;
    }
    out.push(usage(
        "Storage",
        Selector::new("AmazonDynamoDB", "Database Storage", "GB-Mo")
            .with("volumeType", "Amazon DynamoDB - Indexed DataStore"),
        ctx.usage(r, "storage_gb"),
        "storage_gb",
    ));
    Ok(out)
}

/// S3: storage by class and requests, from usage (Infracost's nested keys:
/// `standard.storage_gb`, `standard.monthly_tier_1_requests`, …).
pub fn s3_bucket(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let storage = |class_key: &'static str, volume_type: &str, label: &str| {
        let key: &'static str = match class_key {
            "standard" => "standard.storage_gb",
            "standard_infrequent_access" => "standard_infrequent_access.storage_gb",
            "one_zone_infrequent_access" => "one_zone_infrequent_access.storage_gb",
            "glacier_flexible_retrieval" => "glacier_flexible_retrieval.storage_gb",
            _ => "glacier_deep_archive.storage_gb",
        };
        usage(
            format!("{label} storage"),
            Selector::new("AmazonS3", "Storage", "GB-Mo").with("volumeType", volume_type),
            ctx.usage(r, key),
            key,
        )
    };
    let mut out = vec![
        storage("standard", "Standard", "Standard"),
        usage(
            "PUT, COPY, POST, LIST requests (Standard)",
            Selector::new("AmazonS3", "API Request", "Requests").with("group", "S3-API-Tier1"),
            ctx.usage(r, "standard.monthly_tier_1_requests"),
            "standard.monthly_tier_1_requests",
        ),
        usage(
            "GET, SELECT and other requests (Standard)",
            Selector::new("AmazonS3", "API Request", "Requests").with("group", "S3-API-Tier2"),
            ctx.usage(r, "standard.monthly_tier_2_requests"),
            "standard.monthly_tier_2_requests",
        ),
    ];
    for (key, volume_type, label) in [
        (
            "standard_infrequent_access",
            "Standard - Infrequent Access",
            "Standard-IA",
        ),
        (
            "one_zone_infrequent_access",
            "One Zone - Infrequent Access",
            "One Zone-IA",
        ),
        (
            "glacier_flexible_retrieval",
            "Amazon Glacier",
            "Glacier Flexible Retrieval",
        ),
        (
            "glacier_deep_archive",
            "Glacier Deep Archive",
            "Glacier Deep Archive",
        ),
    ] {
        // the other classes appear only when the usage file uses them
        if ctx.usage(r, &format!("{key}.storage_gb")).is_some() {
            out.push(storage(key, volume_type, label));
        }
    }
    Ok(out)
}

pub fn efs_file_system(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let one_zone = text(r, "availability_zone_name")?.is_some();
    let class = if one_zone {
        "One Zone-General Purpose"
    } else {
        "General Purpose"
    };
    let mut out = vec![usage(
        if one_zone {
            "Storage (One Zone)"
        } else {
            "Storage (Standard)"
        },
        Selector::new("AmazonEFS", "Storage", "GB-Mo").with("storageClass", class),
        ctx.usage(r, "storage_gb"),
        "storage_gb",
    )];
    if text(r, "throughput_mode")?.as_deref() == Some("provisioned") {
        let Some(mibps) = num(r, "provisioned_throughput_in_mibps")? else {
            return Err(format!(
                "{}: provisioned throughput without provisioned_throughput_in_mibps",
                r.address
            ));
        };
        out.push(fixed(
            format!("Provisioned throughput ({mibps} MiB/s)"),
            Selector::new("AmazonEFS", "Provisioned Throughput", "MiBps-Mo"),
            mibps,
        ));
    }
    Ok(out)
}

/// OpenSearch (and Elasticsearch) domains: data nodes, dedicated masters,
/// UltraWarm nodes, and EBS storage per data node.
pub fn opensearch_domain(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let config = "cluster_config.0";
    let instance_type =
        text(r, &format!("{config}.instance_type"))?.unwrap_or_else(|| "m4.large.search".into());
    let nodes = num(r, &format!("{config}.instance_count"))?.unwrap_or(1.0);
    let hours = |t: &str| {
        Selector::new("AmazonES", "Amazon OpenSearch Service Instance", "Hrs")
            .with("instanceType", t)
    };
    let mut out = vec![fixed(
        format!("Data nodes ({instance_type} × {nodes})"),
        hours(&instance_type),
        HOURS_PER_MONTH * nodes,
    )];
    if flag(r, &format!("{config}.dedicated_master_enabled"))? == Some(true) {
        let t = text(r, &format!("{config}.dedicated_master_type"))?
            .ok_or_else(|| format!("{}: dedicated masters without a type", r.address))?;
        let n = num(r, &format!("{config}.dedicated_master_count"))?.unwrap_or(3.0);
        out.push(fixed(
            format!("Dedicated master nodes ({t} × {n})"),
            hours(&t),
            HOURS_PER_MONTH * n,
        ));
    }
    if flag(r, &format!("{config}.warm_enabled"))? == Some(true) {
        let t = text(r, &format!("{config}.warm_type"))?
            .ok_or_else(|| format!("{}: warm nodes without a type", r.address))?;
        let n = num(r, &format!("{config}.warm_count"))?.unwrap_or(0.0);
        out.push(fixed(
            format!("UltraWarm nodes ({t} × {n})"),
            hours(&t),
            HOURS_PER_MONTH * n,
        ));
    }
    if flag(r, "ebs_options.0.ebs_enabled")? == Some(true) {
        let size = num(r, "ebs_options.0.volume_size")?
            .ok_or_else(|| format!("{}: EBS storage without volume_size", r.address))?;
        let volume_type = text(r, "ebs_options.0.volume_type")?.unwrap_or_else(|| "gp2".into());
        let media = match volume_type.as_str() {
            "gp3" => "GP3",
            "gp2" => "GP2",
            other => {
                return Err(format!(
                    "{}: {other} OpenSearch storage is not in the catalogue",
                    r.address
                ))
            }
        };
        out.push(fixed(
            format!("EBS storage ({volume_type}, {size} GB × {nodes})"),
            Selector::new("AmazonES", "Amazon OpenSearch Service Volume", "GB-Mo")
                .with("storageMedia", media),
            size * nodes,
        ));
    }
    Ok(out)
}

pub fn msk_cluster(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let brokers = num(r, "number_of_broker_nodes")?
        .ok_or_else(|| format!("{} sets no number_of_broker_nodes", r.address))?;
    let info = "broker_node_group_info.0";
    let instance_type = text(r, &format!("{info}.instance_type"))?
        .ok_or_else(|| format!("{} sets no broker instance_type", r.address))?;
    let size = match num(
        r,
        &format!("{info}.storage_info.0.ebs_storage_info.0.volume_size"),
    )? {
        Some(s) => s,
        None => num(r, &format!("{info}.ebs_volume_size"))?.unwrap_or(1000.0),
    };
    Ok(vec![
        fixed(
            format!("Brokers ({instance_type} × {brokers})"),
            Selector::new(
                "AmazonMSK",
                "Managed Streaming for Apache Kafka (MSK)",
                "Hrs",
            )
            .with("instanceType", instance_type),
            HOURS_PER_MONTH * brokers,
        ),
        fixed(
            format!("Broker storage ({size} GB × {brokers})"),
            Selector::new("AmazonMSK", "Storage", "GB-Mo"),
            size * brokers,
        ),
    ])
}

pub fn redshift_cluster(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let node_type =
        text(r, "node_type")?.ok_or_else(|| format!("{} sets no node_type", r.address))?;
    let nodes = match text(r, "cluster_type")?.as_deref() {
        Some("single-node") => 1.0,
        _ => num(r, "number_of_nodes")?.unwrap_or(1.0),
    };
    let mut out = vec![fixed(
        format!("Nodes ({node_type} × {nodes})"),
        Selector::new("AmazonRedshift", "Compute Instance", "Hrs").with("instanceType", &node_type),
        HOURS_PER_MONTH * nodes,
    )];
    if node_type.starts_with("ra3") {
        out.push(usage(
            "Managed storage",
            Selector::new("AmazonRedshift", "Redshift Managed Storage", "GB-Mo"),
            ctx.usage(r, "managed_storage_gb"),
            "managed_storage_gb",
        ));
    }
    Ok(out)
}

/// DocumentDB and Neptune clusters: storage and I/O from usage; their
/// instances are priced as their own resources.
fn cluster_storage(ctx: &Ctx<'_>, r: &Resource, service: &'static str) -> Vec<Spec> {
    vec![
        usage(
            "Storage",
            Selector::new(service, "Database Storage", "GB-Mo"),
            ctx.usage(r, "storage_gb"),
            "storage_gb",
        ),
        usage(
            "I/O requests",
            Selector::new(service, "System Operation", "IOs"),
            ctx.usage(r, "monthly_io_requests"),
            "monthly_io_requests",
        ),
    ]
}

fn cluster_instance(r: &Resource, service: &'static str) -> Result<Vec<Spec>, String> {
    let class = text(r, "instance_class")?
        .ok_or_else(|| format!("{} sets no instance_class", r.address))?;
    Ok(vec![fixed(
        format!("Database instance ({class})"),
        Selector::new(service, "Database Instance", "Hrs").with("instanceType", class),
        HOURS_PER_MONTH,
    )])
}

pub fn docdb_cluster(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(cluster_storage(ctx, r, "AmazonDocDB"))
}

pub fn docdb_cluster_instance(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    cluster_instance(r, "AmazonDocDB")
}

pub fn neptune_cluster(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(cluster_storage(ctx, r, "AmazonNeptune"))
}

pub fn neptune_cluster_instance(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    cluster_instance(r, "AmazonNeptune")
}

pub fn kinesis_stream(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let mode =
        text(r, "stream_mode_details.0.stream_mode")?.unwrap_or_else(|| "PROVISIONED".into());
    let kinesis = |unit: &'static str, usagetype: &str| {
        Selector::new("AmazonKinesis", "Kinesis Streams", unit).with("usagetype", usagetype)
    };
    if mode == "ON_DEMAND" {
        return Ok(vec![
            fixed(
                "On-demand stream",
                kinesis("StreamHour", "OnDemand-StreamHour"),
                HOURS_PER_MONTH,
            ),
            usage(
                "Data ingested",
                kinesis("GB", "OnDemand-BilledIncomingBytes"),
                ctx.usage(r, "monthly_on_demand_data_in_gb"),
                "monthly_on_demand_data_in_gb",
            ),
            usage(
                "Data retrieved",
                kinesis("GB", "OnDemand-BilledOutgoingBytes"),
                ctx.usage(r, "monthly_on_demand_data_out_gb"),
                "monthly_on_demand_data_out_gb",
            ),
        ]);
    }
    let shards =
        num(r, "shard_count")?.ok_or_else(|| format!("{} sets no shard_count", r.address))?;
    Ok(vec![
        fixed(
            format!("Shards ({shards})"),
            kinesis("ShardHour", "Storage-ShardHour"),
            shards * HOURS_PER_MONTH,
        ),
        usage(
            "PUT payload units",
            kinesis("PutRequest", "PutRequestPayloadUnits"),
            ctx.usage(r, "monthly_put_payload_units"),
            "monthly_put_payload_units",
        ),
    ])
}

pub fn firehose_delivery_stream(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "Data ingested",
        Selector::new("AmazonKinesisFirehose", "Kinesis Firehose", "GB")
            .with("usagetype", "BilledBytes"),
        ctx.usage(r, "monthly_data_ingested_gb"),
        "monthly_data_ingested_gb",
    )])
}

pub fn mq_broker(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let instance_type = text(r, "host_instance_type")?
        .ok_or_else(|| format!("{} sets no host_instance_type", r.address))?;
    let engine = text(r, "engine_type")?.unwrap_or_else(|| "ActiveMQ".into());
    let engine = match engine.to_ascii_lowercase().as_str() {
        "activemq" => "ActiveMQ",
        "rabbitmq" => "RabbitMQ",
        other => return Err(format!("unknown broker engine {other:?}")),
    };
    let mode = text(r, "deployment_mode")?.unwrap_or_else(|| "SINGLE_INSTANCE".into());
    let brokers = match mode.as_str() {
        "SINGLE_INSTANCE" => 1.0,
        "ACTIVE_STANDBY_MULTI_AZ" => 2.0,
        "CLUSTER_MULTI_AZ" => 3.0,
        other => return Err(format!("unknown deployment mode {other:?}")),
    };
    Ok(vec![
        fixed(
            format!("Broker instances ({engine}, {instance_type} × {brokers})"),
            Selector::new("AmazonMQ", "Broker Instances", "Hrs")
                .with("instanceType", instance_type)
                .with("brokerEngine", engine),
            HOURS_PER_MONTH * brokers,
        ),
        usage(
            "Broker storage",
            Selector::new("AmazonMQ", "Broker Storage", "GB-Mo").with("brokerEngine", engine),
            ctx.usage(r, "storage_size_gb"),
            "storage_size_gb",
        ),
    ])
}

pub fn ecr_repository(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "Image storage",
        Selector::new("AmazonECR", "EC2 Container Registry", "GB-Mo"),
        ctx.usage(r, "storage_gb"),
        "storage_gb",
    )])
}

/// Backup storage by what is backed up (warm storage).
pub fn backup_vault(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let kinds: [(&'static str, &'static str, &'static str); 4] = [
        ("EBS snapshots", "monthly_ebs_snapshot_gb", "EBS"),
        ("RDS snapshots", "monthly_rds_snapshot_gb", "RDS"),
        ("EFS warm backups", "monthly_efs_warm_backup_gb", "EFS"),
        ("DynamoDB backups", "monthly_dynamodb_backup_gb", "DynamoDB"),
    ];
    Ok(kinds
        .iter()
        .map(|(label, key, resource)| {
            usage(
                *label,
                Selector::new("AWSBackup", "Backup Storage", "GB-Mo")
                    .with("resourceType", *resource),
                ctx.usage(r, key),
                key,
            )
        })
        .collect())
}
