environment   = "prod"
instance_type = "m6i.large"
app_min_size  = 3
app_max_size  = 12

database = {
  instance_class    = "db.r6g.xlarge"
  allocated_storage = 200
  multi_az          = true
  backup_days       = 30
}
