environment   = "dev"
az_count      = 2
instance_type = "t3.small"
app_min_size  = 1
app_max_size  = 2

database = {
  instance_class    = "db.t4g.medium"
  allocated_storage = 20
  backup_days       = 1
}
