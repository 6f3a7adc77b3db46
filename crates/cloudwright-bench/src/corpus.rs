//! A generated corpus shaped like a large organisation's Terraform: many
//! root modules (one per team and environment) calling a library of shared
//! modules that call each other, `for_each` over maps of services, dynamic
//! blocks, locals, tfvars and policy documents.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

pub struct Stats {
    pub files: usize,
    pub bytes: usize,
    pub roots: usize,
    pub shared_modules: usize,
}

/// Number of variants of each shared module (so the library has many modules).
const VARIANTS: usize = 8;
/// Extra resource files per root module.
const EXTRA_FILES: usize = 9;

/// With `remote_state`, each team's staging and prod roots read the dev
/// root's state through `terraform_remote_state` (its VPC, in an output):
/// two thirds of the roots wait for the third that writes what they read.
pub fn generate(dir: &Path, roots: usize, remote_state: bool) -> io::Result<Stats> {
    let mut stats = Stats {
        files: 0,
        bytes: 0,
        roots,
        shared_modules: 0,
    };
    for v in 0..VARIANTS {
        for (name, files) in [
            ("network", network_module()),
            ("service", service_module(v)),
            ("iam_role", iam_module()),
            ("bucket", bucket_module()),
            ("database", database_module()),
        ] {
            let module_dir = dir.join(format!("modules/{name}-v{v}"));
            stats.shared_modules += 1;
            for (file, text) in files {
                write(&module_dir.join(file), text, &mut stats)?;
            }
        }
    }
    for r in 0..roots {
        let root = dir.join(format!(
            "live/team-{:03}/{}",
            r / 3,
            ["dev", "staging", "prod"][r % 3]
        ));
        for (file, text) in root_module(r) {
            write(&root.join(file), text, &mut stats)?;
        }
        if remote_state && r % 3 != 0 {
            let team = r / 3;
            let text = format!(
                r#"data "terraform_remote_state" "dev" {{
  backend = "s3"
  config = {{
    bucket = "org-terraform-state"
    key    = "team-{team}/dev/terraform.tfstate"
    region = "eu-west-1"
  }}
}}

output "dev_vpc_id" {{
  value = data.terraform_remote_state.dev.outputs.vpc_id
}}
"#
            );
            write(&root.join("remote.tf"), text, &mut stats)?;
        }
    }
    Ok(stats)
}

/// A Terragrunt layout over the same module library: one `root.hcl`
/// (remote state and provider generated), an `env.hcl` per environment
/// read with `read_terragrunt_config`, and per team and environment four
/// units — network, database, bucket, role — the database reading the
/// network's outputs through a `dependency` block. With `stacks`, the four
/// units are blueprints (`catalog/units/<unit>`), and a
/// `terragrunt.stack.hcl` per team and environment generates them, the
/// module version their `values`.
pub fn generate_terragrunt(dir: &Path, teams: usize, stacks: bool) -> io::Result<Stats> {
    let mut stats = Stats {
        files: 0,
        bytes: 0,
        roots: 0,
        shared_modules: 0,
    };
    for v in 0..VARIANTS {
        for (name, files) in [
            ("network", network_module()),
            ("iam_role", iam_module()),
            ("bucket", bucket_module()),
            ("database", database_module()),
        ] {
            stats.shared_modules += 1;
            for (file, text) in files {
                let path = dir.join(format!("modules/{name}-v{v}/{file}"));
                write(&path, text, &mut stats)?;
            }
        }
    }
    write(
        &dir.join("live/root.hcl"),
        TERRAGRUNT_ROOT.into(),
        &mut stats,
    )?;
    let include = r#"include "root" {
  path   = find_in_parent_folders("root.hcl")
  expose = true
}

locals {
  env = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}
"#;
    if stacks {
        // the blueprints: the module version is the stack's to give
        for (component, text) in terragrunt_units(include, "${values.variant}") {
            let text = text
                .replace(
                    "\"../../../../modules//",
                    "\"${get_parent_terragrunt_dir(\"root\")}/../modules//",
                )
                .replace(
                    "\"../../../../modules/",
                    "\"${get_parent_terragrunt_dir(\"root\")}/../modules/",
                );
            write(
                &dir.join(format!("catalog/units/{component}/terragrunt.hcl")),
                text,
                &mut stats,
            )?;
        }
    }
    for team in 0..teams {
        let v = team % VARIANTS;
        for (e, env) in ["dev", "staging", "prod"].into_iter().enumerate() {
            let base = dir.join(format!("live/team-{team:03}/{env}"));
            let env_hcl = format!(
                "locals {{\n  environment = \"{env}\"\n  team        = \"team-{team:03}\"\n  cidr        = \"10.{}.0.0/16\"\n  multi_az    = {}\n}}\n",
                (team * 3 + e) % 250,
                env == "prod"
            );
            write(&base.join("env.hcl"), env_hcl, &mut stats)?;
            if stacks {
                let mut stack = String::new();
                for (component, _) in terragrunt_units(include, "") {
                    stack.push_str(&format!(
                        "unit \"{component}\" {{\n  source = \"../../../catalog/units/{component}\"\n  path   = \"{component}\"\n  values = {{\n    variant = {v}\n  }}\n}}\n\n"
                    ));
                    stats.roots += 1;
                }
                write(&base.join("terragrunt.stack.hcl"), stack, &mut stats)?;
                continue;
            }
            let units = terragrunt_units(include, &v.to_string());
            for (component, text) in units {
                write(
                    &base.join(component).join("terragrunt.hcl"),
                    text,
                    &mut stats,
                )?;
                stats.roots += 1;
            }
        }
    }
    Ok(stats)
}

/// The four units of a team's environment in the Terragrunt corpus, the
/// module version `v` (a number, or the expression giving it).
fn terragrunt_units(include: &str, v: &str) -> [(&'static str, String); 4] {
    [
        (
            "network",
            format!(
                r#"{include}
terraform {{
  source = "../../../../modules//network-v{v}"
}}

inputs = {{
  name       = "${{local.env.team}}-${{local.env.environment}}"
  cidr_block = local.env.cidr
  azs        = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  single_nat = !local.env.multi_az
}}
"#
            ),
        ),
        (
            "database",
            format!(
                r#"{include}
terraform {{
  source = "${{get_parent_terragrunt_dir("root")}}/../modules/database-v{v}"
}}

dependency "network" {{
  config_path = "../network"
  mock_outputs = {{
    vpc_id             = "vpc-00000000"
    private_subnet_ids = ["subnet-00000000"]
  }}
}}

inputs = {{
  name           = "${{local.env.team}}-${{local.env.environment}}-db"
  vpc_id         = dependency.network.outputs.vpc_id
  subnet_ids     = dependency.network.outputs.private_subnet_ids
  instance_class = local.env.multi_az ? "db.r6g.large" : "db.t4g.medium"
  multi_az       = local.env.multi_az
  client_sg_ids  = []
}}
"#
            ),
        ),
        (
            "bucket",
            format!(
                r#"{include}
terraform {{
  source = "../../../../modules/bucket-v{v}"
}}

inputs = {{
  name = "${{local.env.team}}-${{local.env.environment}}-data"
}}
"#
            ),
        ),
        (
            "role",
            format!(
                r#"{include}
terraform {{
  source = "../../../../modules/iam_role-v{v}"
}}

inputs = {{
  name = "${{local.env.team}}-${{local.env.environment}}-app"
}}
"#
            ),
        ),
    ]
}

/// The configuration every unit of the Terragrunt corpus includes.
const TERRAGRUNT_ROOT: &str = r#"locals {
  region = "eu-west-1"
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

remote_state {
  backend = "s3"
  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }
  config = {
    bucket         = "org-terraform-state"
    key            = "${path_relative_to_include()}/terraform.tfstate"
    region         = local.region
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<EOF
provider "aws" {
  region = "${local.region}"
  default_tags {
    tags = {
      Environment = "${local.env.environment}"
      Team        = "${local.env.team}"
      ManagedBy   = "terragrunt"
    }
  }
}
EOF
}
"#;

/// Writes a file of the corpus, counting it.
fn write(path: &Path, text: String, stats: &mut Stats) -> io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    stats.files += 1;
    stats.bytes += text.len();
    std::fs::write(path, text)
}

/// Files and bytes of `.tf` under a directory.
pub fn measure(dir: &Path) -> (usize, usize) {
    let files = tf_files(dir);
    let bytes = files
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len() as usize)
        .sum();
    (files.len(), bytes)
}

/// `copies` copies of a hand-written configuration (`examples/three-tier`:
/// a few resources per block, a `count` or `for_each` here and there), one
/// directory each: a corpus at the density of configurations people
/// write, beside the generated one, whose `for_each` over maps of
/// services makes three times as many resource instances of each byte.
/// Every file of `source` is copied but `.terraform` and hidden files.
pub fn copies(source: &Path, dir: &Path, copies: usize) -> io::Result<Stats> {
    let mut files = Vec::new();
    let mut stack = vec![source.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            match path.is_dir() {
                true => stack.push(path),
                false => files.push((
                    path.strip_prefix(source).unwrap_or(&path).to_path_buf(),
                    std::fs::read(&path)?,
                )),
            }
        }
    }
    let mut stats = Stats {
        files: 0,
        bytes: 0,
        roots: copies,
        shared_modules: 0,
    };
    for copy in 0..copies {
        let root = dir.join(format!("copy-{copy:04}"));
        for (path, content) in &files {
            let to = root.join(path);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&to, content)?;
            if path.extension().is_some_and(|e| e == "tf") {
                stats.files += 1;
                stats.bytes += content.len();
            }
        }
    }
    Ok(stats)
}

/// Every `.tf` file under a directory.
pub fn tf_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "tf") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn root_module(r: usize) -> Vec<(String, String)> {
    let env = ["dev", "staging", "prod"][r % 3];
    let v = r % VARIANTS;
    let mut files = Vec::new();
    files.push((
        "main.tf".to_string(),
        format!(
            r#"terraform {{
  required_version = ">= 1.6.0"
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }}
  }}
  backend "s3" {{
    bucket         = "org-terraform-state"
    key            = "team-{team}/{env}/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }}
}}

provider "aws" {{
  region = var.region
  default_tags {{
    tags = local.common_tags
  }}
}}

module "network" {{
  source     = "../../../modules/network-v{v}"
  name       = local.name
  cidr_block = var.vpc_cidr
  azs        = var.azs
  single_nat = var.environment != "prod"
}}

module "services" {{
  source   = "../../../modules/service-v{v}"
  for_each = var.services

  name               = "${{local.name}}-${{each.key}}"
  vpc_id             = module.network.vpc_id
  subnet_ids         = module.network.private_subnet_ids
  public_subnet_ids  = module.network.public_subnet_ids
  instance_type      = each.value.instance_type
  min_size           = each.value.min_size
  ports              = each.value.ports
  environment        = var.environment
}}

module "database" {{
  source         = "../../../modules/database-v{v}"
  name           = local.name
  vpc_id         = module.network.vpc_id
  subnet_ids     = module.network.data_subnet_ids
  instance_class = var.db_instance_class
  multi_az       = var.environment == "prod"
  client_sg_ids  = [for s in module.services : s.security_group_id]
}}
"#,
            team = r / 3
        ),
    ));
    files.push((
        "variables.tf".to_string(),
        r#"variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type = string
}

variable "vpc_cidr" {
  type = string
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "services" {
  type = map(object({
    instance_type = string
    min_size      = optional(number, 2)
    ports         = optional(list(number), [443])
  }))
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

variable "owner" {
  type    = string
  default = "platform"
}
"#
        .to_string(),
    ));
    files.push((
        "locals.tf".to_string(),
        format!(
            r#"locals {{
  name = "team{team}-${{var.environment}}"
  common_tags = {{
    team        = var.owner
    environment = var.environment
    cost_center = "cc-${{format("%04d", {team})}}"
    managed_by  = "terraform"
  }}
  service_names = sort(keys(var.services))
  public_ports  = distinct(flatten([for s in var.services : s.ports]))
  subnet_map    = {{ for i, az in var.azs : az => cidrsubnet(var.vpc_cidr, 4, i) }}
}}
"#,
            team = r / 3
        ),
    ));
    files.push((
        "outputs.tf".to_string(),
        r#"output "vpc_id" {
  value = module.network.vpc_id
}

output "service_urls" {
  value = { for k, s in module.services : k => s.url }
}

output "database_endpoint" {
  value = module.database.endpoint
}
"#
        .to_string(),
    ));
    let mut tfvars = format!(
        "environment = \"{env}\"\nvpc_cidr    = \"10.{}.0.0/16\"\n\nservices = {{\n",
        r % 250
    );
    for s in 0..3 {
        let _ = writeln!(
            tfvars,
            "  svc{s} = {{\n    instance_type = \"{}\"\n    min_size      = {}\n    ports         = [443, {}]\n  }}",
            ["t3.medium", "m6i.large", "c6i.xlarge"][s],
            1 + s,
            8080 + s
        );
    }
    tfvars.push_str("}\n");
    files.push(("terraform.tfvars".to_string(), tfvars));
    for f in 0..EXTRA_FILES {
        files.push((format!("extra_{f}.tf"), extra_file(r, f)));
    }
    files
}

fn extra_file(r: usize, f: usize) -> String {
    format!(
        r#"resource "aws_security_group" "extra_{f}" {{
  name        = "${{local.name}}-extra-{f}"
  description = "Extra security group {f} of root {r}"
  vpc_id      = module.network.vpc_id

  dynamic "ingress" {{
    for_each = local.public_ports
    content {{
      description = "port ${{ingress.value}}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [for cidr in values(local.subnet_map) : cidr]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_cloudwatch_log_group" "extra_{f}" {{
  for_each          = toset(local.service_names)
  name              = "/app/${{local.name}}/${{each.key}}/{f}"
  retention_in_days = var.environment == "prod" ? 365 : 30
  tags              = merge(local.common_tags, {{ service = each.key }})
}}

resource "aws_ssm_parameter" "extra_{f}" {{
  name  = "/config/${{local.name}}/extra-{f}"
  type  = "String"
  value = jsonencode({{
    services = local.service_names
    vpc      = module.network.vpc_id
    index    = {f}
    subnets  = local.subnet_map
  }})
}}
"#
    )
}

fn network_module() -> Vec<(String, String)> {
    vec![
        (
            "variables.tf".into(),
            r#"variable "name" {
  type = string
}
variable "cidr_block" {
  type = string
}
variable "azs" {
  type = list(string)
}
variable "single_nat" {
  type    = bool
  default = false
}
"#
            .into(),
        ),
        (
            "main.tf".into(),
            r#"locals {
  tiers = { public = 0, private = 4, data = 8 }
  subnets = merge([
    for tier, offset in local.tiers : {
      for i, az in var.azs : "${tier}-${az}" => {
        tier = tier
        az   = az
        cidr = cidrsubnet(var.cidr_block, 4, offset + i)
      }
    }
  ]...)
  nat_azs = var.single_nat ? [var.azs[0]] : var.azs
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.name }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "this" {
  for_each                = local.subnets
  vpc_id                  = aws_vpc.this.id
  cidr_block              = each.value.cidr
  availability_zone       = each.value.az
  map_public_ip_on_launch = each.value.tier == "public"
  tags                    = { Name = "${var.name}-${each.key}", tier = each.value.tier }
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)
  domain   = "vpc"
}

resource "aws_nat_gateway" "this" {
  for_each      = toset(local.nat_azs)
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.this["public-${each.key}"].id
}

resource "aws_route_table" "private" {
  for_each = toset(var.azs)
  vpc_id   = aws_vpc.this.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = var.single_nat ? aws_nat_gateway.this[var.azs[0]].id : aws_nat_gateway.this[each.key].id
  }
}

resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.this.id
  subnet_ids = [for k, s in aws_subnet.this : s.id if startswith(k, "data-")]
  dynamic "ingress" {
    for_each = { for i, az in var.azs : az => i }
    content {
      rule_no    = 100 + ingress.value
      protocol   = "tcp"
      action     = "allow"
      cidr_block = local.subnets["private-${ingress.key}"].cidr
      from_port  = 5432
      to_port    = 5432
    }
  }
}
"#
            .into(),
        ),
        (
            "outputs.tf".into(),
            r#"output "vpc_id" {
  value = aws_vpc.this.id
}
output "public_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "public-")]
}
output "private_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "private-")]
}
output "data_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "data-")]
}
"#
            .into(),
        ),
    ]
}

fn service_module(v: usize) -> Vec<(String, String)> {
    vec![
        (
            "variables.tf".into(),
            r#"variable "name" { type = string }
variable "vpc_id" { type = string }
variable "subnet_ids" { type = list(string) }
variable "public_subnet_ids" { type = list(string) }
variable "instance_type" { type = string }
variable "min_size" { type = number }
variable "ports" { type = list(number) }
variable "environment" { type = string }
"#
            .into(),
        ),
        (
            "main.tf".into(),
            format!(
                r#"module "role" {{
  source = "../iam_role-v{v}"
  name   = var.name
}}

module "artifacts" {{
  source = "../bucket-v{v}"
  name   = "${{var.name}}-artifacts"
}}

resource "aws_security_group" "this" {{
  name   = var.name
  vpc_id = var.vpc_id
  dynamic "ingress" {{
    for_each = var.ports
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["10.0.0.0/8"]
    }}
  }}
}}

resource "aws_lb" "this" {{
  name               = substr(var.name, 0, min(length(var.name), 32))
  load_balancer_type = "application"
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.this.id]
}}

resource "aws_launch_template" "this" {{
  name_prefix   = "${{var.name}}-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  metadata_options {{
    http_tokens = "required"
  }}
  iam_instance_profile {{
    name = module.role.instance_profile_name
  }}
}}

resource "aws_autoscaling_group" "this" {{
  name                = var.name
  min_size            = var.min_size
  max_size            = var.min_size * 3
  vpc_zone_identifier = var.subnet_ids
  launch_template {{
    id      = aws_launch_template.this.id
    version = "$Latest"
  }}
  dynamic "tag" {{
    for_each = {{ service = var.name, environment = var.environment }}
    content {{
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }}
  }}
}}
"#
            ),
        ),
        (
            "outputs.tf".into(),
            r#"output "security_group_id" {
  value = aws_security_group.this.id
}
output "url" {
  value = "https://${aws_lb.this.dns_name}"
}
"#
            .into(),
        ),
    ]
}

fn iam_module() -> Vec<(String, String)> {
    vec![(
        "main.tf".into(),
        r#"variable "name" { type = string }

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/app/${var.name}/*"]
  }
  statement {
    sid       = "Params"
    actions   = ["ssm:GetParameter", "ssm:GetParametersByPath"]
    resources = ["arn:aws:ssm:*:*:parameter/config/${var.name}/*"]
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_iam_instance_profile" "this" {
  name = var.name
  role = aws_iam_role.this.name
}

output "instance_profile_name" {
  value = aws_iam_instance_profile.this.name
}
"#
        .into(),
    )]
}

fn bucket_module() -> Vec<(String, String)> {
    vec![(
        "main.tf".into(),
        r#"variable "name" { type = string }

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
"#
        .into(),
    )]
}

fn database_module() -> Vec<(String, String)> {
    vec![(
        "main.tf".into(),
        r#"variable "name" { type = string }
variable "vpc_id" { type = string }
variable "subnet_ids" { type = list(string) }
variable "instance_class" { type = string }
variable "multi_az" { type = bool }
variable "client_sg_ids" { type = list(string) }

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

resource "aws_security_group" "db" {
  name   = "${var.name}-db"
  vpc_id = var.vpc_id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.client_sg_ids
  }
}

resource "aws_db_instance" "this" {
  identifier              = var.name
  engine                  = "postgres"
  instance_class          = var.instance_class
  allocated_storage       = 100
  storage_encrypted       = true
  multi_az                = var.multi_az
  db_subnet_group_name    = aws_db_subnet_group.this.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  backup_retention_period = var.multi_az ? 14 : 1
}

output "endpoint" {
  value = aws_db_instance.this.endpoint
}
"#
        .into(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each copy is the example as it is: the copies load without a
    /// diagnostic into as many resource instances each as the example.
    #[test]
    fn copies_of_the_example_load_as_the_example() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/three-tier");
        let dir = std::env::temp_dir().join(format!("cloudwright-copies-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let stats = copies(&example, &dir, 2).unwrap();
        let options = cloudwright_terraform::LoadOptions::default();
        let one = cloudwright_terraform::load(std::slice::from_ref(&example), &options);
        let two = cloudwright_terraform::load(std::slice::from_ref(&dir), &options);
        let _ = std::fs::remove_dir_all(&dir);
        let example_files = tf_files(&example);
        assert_eq!(stats.files, 2 * example_files.len());
        let bytes: usize = example_files
            .iter()
            .map(|f| std::fs::read(f).unwrap().len())
            .sum();
        assert_eq!(stats.bytes, 2 * bytes);
        assert!(two.diagnostics.is_empty(), "{:?}", two.diagnostics);
        assert_eq!(two.resources.len(), 2 * one.resources.len());
        let roots: std::collections::BTreeSet<&str> =
            two.resources.iter().map(|r| &*r.root).collect();
        assert_eq!(
            roots.into_iter().collect::<Vec<_>>(),
            ["copy-0000", "copy-0001"]
        );
    }
}
