project     = "shop"
environment = "prod"

certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/6f1d8a8e-5d47-4a4c-9a4e-0c7e3b5f9d21"

# PLANTED: SSH open to the whole internet
ssh_allowed_cidrs = ["0.0.0.0/0"]

database = {
  instance_class = "db.r6g.large"
  multi_az       = true
  backup_days    = 14
}

db_password = "example-only-not-a-secret"

# THE CHANGE (compared with ../three-tier): bigger app instances but a
# minimum of one (an AZ loss can take the only one), a NAT gateway per AZ,
# and, in change.tf, a bastion host and a CI role
instance_type = "m6i.large"
app_min_size  = 1
