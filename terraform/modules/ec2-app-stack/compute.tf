resource "aws_security_group" "instances" {
  name        = "${local.name}-instances"
  description = "${local.name} instances: the application port from the load balancer only; no SSH (SSM instead)"
  vpc_id      = data.aws_vpc.this.id

  tags = { Name = "${local.name}-instances" }
}

resource "aws_vpc_security_group_ingress_rule" "instances_from_alb" {
  #checkov:skip=CKV_AWS_260:The source is the load balancer's security group, not 0.0.0.0/0.
  security_group_id            = aws_security_group.instances.id
  description                  = "The application port from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

# trivy: AWS-0104 (egress to any address) accepted for the reason of checkov's CKV_AWS_382 below: port 443 only.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "instances_https" {
  #checkov:skip=CKV_AWS_382:HTTPS out to the autoupdater's server, SSM and package mirrors (through NAT).
  security_group_id = aws_security_group.instances.id
  description       = "HTTPS out: the autoupdater download, SSM, packages"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# The download credential never lives in code or in the user data: an SSM SecureString the
# instances read at boot. Terraform makes the parameter with a placeholder; an operator puts the
# real value once (docs/testapp.md), and Terraform never reads it back into state afterwards.
resource "aws_kms_key" "credential" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; the instances' role names this key.
  description             = "Encrypts ${local.name}'s download credential"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_ssm_parameter" "download_credential" {
  name        = "/${var.app}/${var.environment}/autoupdater-credential"
  description = "user:password for ${var.autoupdater_url}"
  type        = "SecureString"
  key_id      = aws_kms_key.credential.arn
  value       = "set-me"

  lifecycle {
    ignore_changes = [value]
  }
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instances" {
  name               = "${local.name}-${local.region}-instances"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

# SSM Agent: Run Command and Session Manager (no SSH port, no key pairs).
resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.instances.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "instances" {
  name = "read-download-credential"
  role = aws_iam_role.instances.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadDownloadCredential"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = [aws_ssm_parameter.download_credential.arn]
      },
      {
        Sid      = "DecryptDownloadCredential"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [aws_kms_key.credential.arn]
      },
    ]
  })
}

resource "aws_iam_instance_profile" "instances" {
  name = aws_iam_role.instances.name
  role = aws_iam_role.instances.name
}

resource "aws_launch_template" "this" {
  name_prefix   = "${local.name}-"
  image_id      = data.aws_ssm_parameter.ami.value
  instance_type = var.instance_type
  ebs_optimized = true
  user_data = base64encode(templatefile("${path.module}/user-data.sh.tftpl", {
    autoupdater_url      = var.autoupdater_url
    autoupdater_path     = local.autoupdater_path
    credential_parameter = aws_ssm_parameter.download_credential.name
    region               = local.region
  }))

  iam_instance_profile {
    arn = aws_iam_instance_profile.instances.arn
  }

  vpc_security_group_ids = [aws_security_group.instances.id]

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_type           = "gp3"
      volume_size           = var.root_volume_gb
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = local.name, App = var.app })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = local.name })
  }
}

resource "aws_autoscaling_group" "this" {
  name                      = local.name
  min_size                  = var.min_size
  max_size                  = var.max_size
  vpc_zone_identifier       = data.aws_subnets.private.ids
  target_group_arns         = [aws_lb_target_group.this.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 180

  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }

  # A new launch template version (a new AMI, new user data) replaces instances a few at a time,
  # keeping 66 % healthy; a failed refresh rolls back to the previous version.
  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 66
      auto_rollback          = true
    }
  }

  # Tags the instances' SSM commands are aimed with (the Jenkins pipeline and the Lambda).
  dynamic "tag" {
    for_each = local.target_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

# CPU-heavy work scales on CPU; bandwidth-heavy work on bytes out per instance.
resource "aws_autoscaling_policy" "cpu" {
  name                   = "${local.name}-cpu"
  autoscaling_group_name = aws_autoscaling_group.this.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = var.cpu_target_percent
  }
}

resource "aws_autoscaling_policy" "network" {
  name                   = "${local.name}-network-out"
  autoscaling_group_name = aws_autoscaling_group.this.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageNetworkOut"
    }
    target_value = var.network_out_target_bytes
  }
}
