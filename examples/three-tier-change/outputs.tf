output "load_balancer_dns" {
  value = module.web.load_balancer_dns
}

output "database_endpoint" {
  value = aws_db_instance.main.endpoint
}

output "database_password" {
  value     = aws_db_instance.main.password
  sensitive = true
}
