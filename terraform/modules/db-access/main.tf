# The team's way to the private databases: a small host in a private subnet that nobody logs into
# with SSH (no port open, no key pair, no public address). SSM Session Manager forwards a local port
# through it to a database (docs/runbooks.md, "Reach a database"):
#
#   aws ssm start-session --target <instance_id> \
#     --document-name AWS-StartPortForwardingSessionToRemoteHost \
#     --parameters host=<endpoint>,portNumber=27017,localPortNumber=27017
#
# Who may do it is the session_policy_arn, attached to the team's role; the host reaches only the
# targets' security groups on their ports (and HTTPS, for SSM itself).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# Amazon Linux 2023, minimal, arm64, as AWS publishes it per region.
data "aws_ssm_parameter" "ami" {
  name = var.ami_parameter
}

resource "aws_security_group" "host" {
  name        = var.name
  description = "Database access host: no inbound; out to the databases it forwards to and to SSM (HTTPS)"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "to_target" {
  for_each = var.targets

  security_group_id            = aws_security_group.host.id
  description                  = "To ${each.key}"
  referenced_security_group_id = each.value.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# trivy: AWS-0104 (egress to any address) accepted for the reason of checkov's CKV_AWS_382 below: port 443 only.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "https" {
  #checkov:skip=CKV_AWS_382:HTTPS out to the SSM, EC2 messages and KMS endpoints (through NAT); nothing else.
  security_group_id = aws_security_group.host.id
  description       = "HTTPS to the SSM endpoints"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
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

resource "aws_iam_role" "host" {
  name               = "${var.name}-${data.aws_region.current.region}"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.host.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "host" {
  name = aws_iam_role.host.name
  role = aws_iam_role.host.name
}

resource "aws_instance" "host" {
  ami                         = data.aws_ssm_parameter.ami.value
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.host.id]
  iam_instance_profile        = aws_iam_instance_profile.host.name
  associate_public_ip_address = false
  ebs_optimized               = true
  monitoring                  = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    encrypted   = true
    volume_type = "gp3"
    volume_size = 8
  }

  tags = {
    Name = var.name
  }

  lifecycle {
    # A new AMI is picked up by replacing the host on purpose (terraform apply -replace), not by every plan.
    ignore_changes = [ami]
  }
}

# Attach to the team's role: port forwarding through this host, and nothing else it could do there
# (no shell: AWS-StartPortForwardingSessionToRemoteHost only), ending only its own sessions.
resource "aws_iam_policy" "session" {
  name        = "${var.name}-sessions"
  description = "Forward a local port to the private databases through ${var.name} (SSM Session Manager)"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "PortForwardingThroughTheHost"
        Effect = "Allow"
        Action = ["ssm:StartSession"]
        Resource = [
          aws_instance.host.arn,
          "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.region}::document/AWS-StartPortForwardingSessionToRemoteHost",
        ]
        Condition = { BoolIfExists = { "ssm:SessionDocumentAccessCheck" = "true" } }
      },
      {
        Sid      = "OwnSessionsOnly"
        Effect   = "Allow"
        Action   = ["ssm:TerminateSession", "ssm:ResumeSession"]
        Resource = ["arn:${data.aws_partition.current.partition}:ssm:*:${data.aws_caller_identity.current.account_id}:session/$${aws:userid}-*"]
      },
    ]
  })
}
