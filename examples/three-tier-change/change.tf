# THE CHANGE, part two (compared with ../three-tier).

# PLANTED: a bastion with a public address in a public subnet, SSH open to
# ssh_allowed_cidrs (0.0.0.0/0 in terraform.tfvars): a new exposure path
resource "aws_security_group" "bastion" {
  name_prefix = "${local.name}-bastion-"
  description = "SSH to the bastion"
  vpc_id      = module.network.vpc_id

  ingress {
    description = "SSH"
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = var.ssh_allowed_cidrs
  }

  egress {
    description = "Anywhere"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  subnet_id                   = module.network.public_subnet_ids[0]
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.bastion.id]

  metadata_options {
    http_tokens = "required"
  }

  root_block_device {
    volume_size = 8
    volume_type = "gp3"
    encrypted   = true
  }
}

# PLANTED: a CI role that may rewrite its own permissions: an escalation
# path to administrator
resource "aws_iam_role" "ci" {
  name = "${local.name}-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "ci" {
  name = "deploy"
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutRolePolicy", "s3:PutObject"]
      Resource = "*"
    }]
  })
}
