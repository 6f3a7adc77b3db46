# A three-tier web application: public load balancer, autoscaling app tier in
# private subnets, PostgreSQL in isolated data subnets, across three AZs.
#
# Cloudwright example. A few problems are planted on purpose (marked
# "PLANTED") so that `cloudwright scan` has real findings to show.

terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "shop/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "acme-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = var.project
      environment = var.environment
      team        = "platform"
    }
  }
}

# Certificates for CloudFront must live in us-east-1.
# PLANTED: this provider alias has no default_tags, so what it creates is untagged
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

resource "aws_acm_certificate" "cdn" {
  provider          = aws.us_east_1
  domain_name       = "shop.example.com"
  validation_method = "DNS"
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_caller_identity" "current" {}

locals {
  name = "${var.project}-${var.environment}"
  azs  = slice(var.availability_zones, 0, var.az_count)

  is_production = var.environment == "prod"
}

module "network" {
  source = "../three-tier/modules/network"

  name       = local.name
  cidr_block = var.vpc_cidr
  azs        = local.azs
  # PLANTED: one NAT gateway for all private subnets (an AZ outage takes egress down)
  single_nat_gateway = false
}

module "web" {
  source = "../three-tier/modules/web_app"

  name               = local.name
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
  instance_type      = var.instance_type
  min_size           = var.app_min_size
  max_size           = var.app_max_size
  certificate_arn    = var.certificate_arn
  assets_bucket_arn  = aws_s3_bucket.assets.arn
  ssh_allowed_cidrs  = var.ssh_allowed_cidrs
}
