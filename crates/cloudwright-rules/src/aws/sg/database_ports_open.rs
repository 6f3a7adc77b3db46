use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No security-group ingress rule opens a database or cache port to
    /// `0.0.0.0/0` or `::/0`: MySQL/Aurora 3306, PostgreSQL 5432, SQL Server
    /// 1433, Oracle 1521, MongoDB/DocumentDB 27017, Redis 6379, Memcached
    /// 11211, Cassandra 9042, Elasticsearch/OpenSearch 9200 and 9300,
    /// Redshift 5439, Neo4j/Neptune 8182.
    ///
    /// ## Why it matters
    /// Data stores belong in the data tier, reachable only from the
    /// application tier. Exposed databases and caches are found by internet
    /// scanners within hours; Redis and Elasticsearch without authentication
    /// have leaked billions of records.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group_rule" "pg" {
    ///   type        = "ingress"
    ///   from_port   = 5432
    ///   to_port     = 5432
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group_rule" "pg" {
    ///   type                     = "ingress"
    ///   from_port                = 5432
    ///   to_port                  = 5432
    ///   protocol                 = "tcp"
    ///   source_security_group_id = aws_security_group.app.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Allow the port only from the application tier's security group.
    pub static SG_DATABASE_PORTS_OPEN = {
        id: "CW-AWS-SG-004",
        title: "Database or cache port open to the internet",
        severity: Critical,
        category: "network",
        resource_types: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
        checkov: [],
        trivy: ["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        kics: ["381c3f2a-ef6f-4eff-99f7-b169cda3422c"],
        remediation: "Allow the database port only from the application tier's security group.",
        check: check,
    }
}

const PORTS: &[(i64, &str)] = &[
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (6379, "Redis"),
    (8182, "Neptune"),
    (9042, "Cassandra"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

fn check(ctx: &Context<'_>, report: &mut Report) {
    super::world_open_ports(ctx, report, PORTS);
}
