output "load_balancer_dns" {
  value = aws_lb.this.dns_name
}

output "app_security_group_id" {
  value = aws_security_group.app.id
}

output "alb_security_group_id" {
  value = aws_security_group.alb.id
}
