resource "aws_db_subnet_group" "main" {
  name       = "${local.name}-db"
  subnet_ids = module.network.data_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "PostgreSQL, reachable from the app tier only"
  vpc_id      = module.network.vpc_id

  ingress {
    description     = "PostgreSQL from the app instances"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [module.web.app_security_group_id]
  }
}

resource "aws_db_instance" "main" {
  identifier     = "${local.name}-db"
  engine         = "postgres"
  engine_version = var.database.engine_version
  instance_class = var.database.instance_class

  allocated_storage = var.database.allocated_storage
  storage_type      = "gp3"
  # PLANTED: storage is not encrypted
  storage_encrypted = false

  db_name  = "shop"
  username = "shop_admin"
  password = var.db_password

  multi_az                = var.database.multi_az
  db_subnet_group_name    = aws_db_subnet_group.main.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  backup_retention_period = var.database.backup_days
  deletion_protection     = local.is_production
  skip_final_snapshot     = !local.is_production

  tags = {
    rpo = "1h"
  }
}

resource "aws_cloudwatch_metric_alarm" "db_free_storage" {
  alarm_name          = "${local.name}-db-free-storage"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 10737418240
  comparison_operator = "LessThanThreshold"
  # PLANTED: the pager topic's ARN hard-codes the account id
  alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:ops-pager"]
}

resource "aws_sns_topic" "alerts" {
  name = "${local.name}-alerts"
}

# PLANTED: anyone can publish to the alerts topic (no condition on the caller)
resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublishAlarms"
      Effect    = "Allow"
      Principal = "*"
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}
