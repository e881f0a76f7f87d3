mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::156460612806:root"
    }
  }
}

variables {
  name                      = "kit-test"
  domain_name               = "kit.example.com"
  subject_alternative_names = ["go-app.kit.example.com", "node-app.kit.example.com"]
}

run "https_certificate_validated_by_dns" {
  command = plan

  assert {
    condition     = aws_acm_certificate.this.domain_name == "kit.example.com" && aws_acm_certificate.this.validation_method == "DNS"
    error_message = "The ALBs need an ACM certificate for the domain, validated by DNS."
  }
}

run "waf_limits_the_rate_per_ip" {
  command = plan

  assert {
    condition = anytrue([for r in aws_wafv2_web_acl.this.rule :
      try(r.statement[0].rate_based_statement[0].limit, 0) == 2000
      && try(r.statement[0].rate_based_statement[0].aggregate_key_type, "") == "IP" && try(length(r.action[0].block), 0) == 1
    ])
    error_message = "The web ACL must block clients above the per-IP rate limit."
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL"
    error_message = "ALBs take regional web ACLs."
  }
}

run "access_logs_delivered_by_elb_and_kept" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement :
      s.Effect == "Allow" && try(s.Principal.AWS, "") == "arn:aws:iam::156460612806:root" && s.Action == "s3:PutObject"
      && s.Resource == "arn:aws:s3:::kit-test-alb-access-logs-123456789012/alb/AWSLogs/123456789012/*"
    ])
    error_message = "Elastic Load Balancing must be allowed to write access logs under alb/AWSLogs/<account>/."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "ALB access logs can be delivered only to SSE-S3 buckets."
  }

  assert {
    condition     = output.access_logs_bucket == "kit-test-alb-access-logs-123456789012"
    error_message = "The bucket name is known at plan time (the charts take it as a value)."
  }
}

run "rejects_a_rate_limit_waf_refuses" {
  command = plan

  variables {
    rate_limit_per_5_minutes = 10
  }

  expect_failures = [var.rate_limit_per_5_minutes]
}

run "rejects_a_wildcard_name" {
  command = plan

  variables {
    subject_alternative_names = ["*.kit.example.com"]
  }

  expect_failures = [var.subject_alternative_names]
}
