# 2,000 roles with 10 policies each (20,000 aws_iam_role_policy in two
# blocks: Cloudwright expands a count of at most 10,000), for the
# IAM engine's escalation analysis. Every policy grants data access to its
# own resources; some grant escalation primitives aimed at other roles.
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
locals {
  services = ["s3", "dynamodb", "sqs", "sns", "kms", "logs", "ec2", "lambda", "secretsmanager", "ssm"]
  lambda_trust = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  account_trust = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })
}
resource "aws_iam_role" "r" {
  count               = 2000
  name                = "role-${count.index}"
  assume_role_policy  = count.index % 2 == 0 ? local.lambda_trust : local.account_trust
  managed_policy_arns = count.index % 25 == 0 ? ["arn:aws:iam::aws:policy/AdministratorAccess"] : []
}
resource "aws_iam_role_policy" "a" {
  count = 10000
  name  = "policy-${count.index}"
  role  = aws_iam_role.r[floor(count.index / 10)].id
  policy = jsonencode({
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["${local.services[count.index % 10]}:Get*", "${local.services[count.index % 10]}:List*", "${local.services[count.index % 10]}:Put*"]
        Resource = "arn:aws:${local.services[count.index % 10]}:eu-west-1:111122223333:resource-${count.index}/*"
      },
      {
        Effect = "Allow"
        Action = (count.index % 97 == 0 ? ["iam:PassRole", "lambda:CreateFunction"]
          : count.index % 89 == 0 ? ["sts:AssumeRole"]
        : ["cloudwatch:PutMetricData"])
        Resource = (count.index % 97 == 0 || count.index % 89 == 0
          ? "arn:aws:iam::111122223333:role/role-${floor(count.index / 10) % 40 * 50 + (count.index % 97 == 0 ? 0 : 25)}"
        : "*")
      }
    ]
  })
}
resource "aws_iam_role_policy" "b" {
  count = 10000
  name  = "policy-${(count.index + 10000)}"
  role  = aws_iam_role.r[floor((count.index + 10000) / 10)].id
  policy = jsonencode({
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["${local.services[(count.index + 10000) % 10]}:Get*", "${local.services[(count.index + 10000) % 10]}:List*", "${local.services[(count.index + 10000) % 10]}:Put*"]
        Resource = "arn:aws:${local.services[(count.index + 10000) % 10]}:eu-west-1:111122223333:resource-${(count.index + 10000)}/*"
      },
      {
        Effect = "Allow"
        Action = ((count.index + 10000) % 97 == 0 ? ["iam:PassRole", "lambda:CreateFunction"]
          : (count.index + 10000) % 89 == 0 ? ["sts:AssumeRole"]
        : ["cloudwatch:PutMetricData"])
        Resource = ((count.index + 10000) % 97 == 0 || (count.index + 10000) % 89 == 0
          ? "arn:aws:iam::111122223333:role/role-${floor((count.index + 10000) / 10) % 40 * 50 + ((count.index + 10000) % 97 == 0 ? 0 : 25)}"
        : "*")
      }
    ]
  })
}
