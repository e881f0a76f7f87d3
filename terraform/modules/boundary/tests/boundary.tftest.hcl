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
}

variables {
  name                    = "kit-dev"
  environment             = "dev"
  other_environment_names = ["kit-prod"]
  state_bucket            = "kit-terraform-state-123456789012"
  other_state_prefixes    = ["prod"]
}

run "dev_cannot_reach_prod" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(aws_iam_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Action == "*"
      && contains(flatten([s.Resource]), "arn:aws:iam::123456789012:role/kit-prod-*")
      && contains(flatten([s.Resource]), "arn:aws:ecr:*:123456789012:repository/kit-prod/*")
      && contains(flatten([s.Resource]), "arn:aws:eks:*:123456789012:cluster/kit-prod")
      && contains(flatten([s.Resource]), "arn:aws:s3:::kit-terraform-state-123456789012/prod/*")
    ])
    error_message = "The dev boundary must deny prod's roles, repositories, cluster and state."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_iam_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Resource == "*"
      && try(s.Condition.StringNotEquals["aws:ResourceTag/Environment"], []) == ["dev", "shared"]
      && try(s.Condition.Null["aws:ResourceTag/Environment"], "") == "false"
    ])
    error_message = "The dev boundary must deny resources tagged with another environment."
  }
}

run "no_self_change_and_no_escalation" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(aws_iam_policy.this.policy).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "iam:Put*") && contains(flatten([s.Action]), "iam:Attach*")
      && contains(flatten([s.Resource]), "arn:aws:iam::123456789012:role/kit-dev-ci-*")
      && contains(flatten([s.Resource]), "arn:aws:iam::123456789012:policy/kit-dev-ci-boundary")
    ])
    error_message = "The CI roles may not change themselves or their boundary."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_iam_policy.this.policy).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "iam:CreateRole") && contains(flatten([s.Action]), "iam:PutRolePolicy") && contains(flatten([s.Action]), "iam:AttachRolePolicy")
      && try(s.Condition.StringNotEquals["iam:PermissionsBoundary"], "") == "arn:aws:iam::123456789012:policy/kit-dev-ci-boundary"
    ])
    error_message = "Roles the CI roles create or grant to must carry the same boundary (no escalation)."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_iam_policy.this.policy).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "iam:DeleteRolePermissionsBoundary")
    ])
    error_message = "Boundaries may not be removed."
  }

  assert {
    condition     = output.policy_arn == "arn:aws:iam::123456789012:policy/kit-dev-ci-boundary"
    error_message = "The boundary's ARN must be known at plan time for the roles created with it."
  }
}
