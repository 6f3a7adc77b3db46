# 50 VPCs, 1,000 subnets, 5,000 security groups, 20,000 instances
resource "aws_vpc" "v" {
  count      = 50
  cidr_block = "10.${count.index}.0.0/16"
}
resource "aws_internet_gateway" "g" {
  count  = 50
  vpc_id = aws_vpc.v[count.index].id
}
resource "aws_subnet" "s" {
  count      = 1000
  vpc_id     = aws_vpc.v[count.index % 50].id
  cidr_block = "10.${count.index % 50}.${floor(count.index / 50)}.0/24"
}
resource "aws_route_table" "public" {
  count  = 50
  vpc_id = aws_vpc.v[count.index].id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.g[count.index].id
  }
}
# half of the subnets are public
resource "aws_route_table_association" "a" {
  count          = 500
  subnet_id      = aws_subnet.s[count.index * 2].id
  route_table_id = aws_route_table.public[(count.index * 2) % 50].id
}
resource "aws_security_group" "sg" {
  count  = 5000
  vpc_id = aws_vpc.v[count.index % 50].id
  ingress {
    protocol    = "tcp"
    from_port   = 1000 + count.index % 100
    to_port     = 1000 + count.index % 100
    cidr_blocks = [count.index % 10 == 0 ? "0.0.0.0/0" : "10.0.0.0/8"]
  }
}
resource "aws_instance" "i" {
  count                       = 10000
  ami                         = "ami-1"
  subnet_id                   = aws_subnet.s[count.index % 1000].id
  associate_public_ip_address = count.index % 3 == 0
  vpc_security_group_ids      = [aws_security_group.sg[count.index % 5000].id]
}
resource "aws_instance" "j" {
  count                       = 10000
  ami                         = "ami-1"
  subnet_id                   = aws_subnet.s[(count.index + 7) % 1000].id
  associate_public_ip_address = count.index % 3 == 1
  vpc_security_group_ids      = [aws_security_group.sg[(count.index + 11) % 5000].id]
}
