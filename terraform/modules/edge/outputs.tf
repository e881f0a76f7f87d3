output "certificate_arn" {
  description = "ACM certificate of the apps' ALBs (the charts' service.ingress.alb.certificateArn)."
  value       = aws_acm_certificate.this.arn
}

output "certificate_validation_records" {
  description = "DNS records that validate the certificate (create them in the zone of domain_name)."
  value       = { for o in aws_acm_certificate.this.domain_validation_options : o.domain_name => { name = o.resource_record_name, type = o.resource_record_type, value = o.resource_record_value } }
}

output "web_acl_arn" {
  description = "WAFv2 web ACL for the ALBs (the charts' service.ingress.alb.wafv2AclArn)."
  value       = aws_wafv2_web_acl.this.arn
}

output "access_logs_bucket" {
  description = "Bucket the ALBs write access logs to, under the prefix alb (the charts' service.ingress.alb.accessLogsBucket)."
  value       = "${var.name}-alb-access-logs-${data.aws_caller_identity.current.account_id}"

  depends_on = [aws_s3_bucket_policy.access_logs]
}

output "certificate_domain_names" {
  description = "Every name the certificate covers."
  value       = concat([var.domain_name], var.subject_alternative_names)
}
