output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALBs, NAT gateways), in the order of var.azs."
  value       = [for az in var.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (EKS nodes and pods, DocumentDB), in the order of var.azs."
  value       = [for az in var.azs : aws_subnet.private[az].id]
}

output "private_subnet_cidrs" {
  description = "CIDRs of the private subnets: the node-app chart's NetworkPolicy allows database egress to these (values-eks.yaml)."
  value       = [for az in var.azs : aws_subnet.private[az].cidr_block]
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways (egress addresses to allow-list at third parties)."
  value       = [for eip in aws_eip.nat : eip.public_ip]
}
