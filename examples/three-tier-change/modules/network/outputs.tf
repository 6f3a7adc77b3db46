output "vpc_id" {
  value = aws_vpc.this.id
}

output "public_subnet_ids" {
  value = [for key, s in aws_subnet.this : s.id if startswith(key, "public-")]
}

output "private_subnet_ids" {
  value = [for key, s in aws_subnet.this : s.id if startswith(key, "private-")]
}

output "data_subnet_ids" {
  value = [for key, s in aws_subnet.this : s.id if startswith(key, "data-")]
}
