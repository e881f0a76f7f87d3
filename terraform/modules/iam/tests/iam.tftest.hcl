mock_provider "aws" {}

variables {
  name                 = "kit-test-ci-deploy"
  create_oidc_provider = false
  oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  github_repository    = "kit-dev/kit"
  github_subjects      = ["environment:prod"]
  policy_statements = [
    {
      sid       = "EcrPush"
      actions   = ["ecr:PutImage"]
      resources = ["arn:aws:ecr:eu-west-1:123456789012:repository/kit/go-app"]
    },
    {
      sid       = "StateKey"
      actions   = ["kms:Decrypt"]
      resources = ["arn:aws:kms:eu-west-1:123456789012:key/k"]
      conditions = [
        { test = "StringEquals", variable = "kms:ViaService", values = ["s3.eu-west-1.amazonaws.com"] },
      ]
    },
  ]
}

run "trusts_only_the_repository_environment" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == ["repo:kit-dev/kit:environment:prod"]
    error_message = "Only jobs of the repository's prod environment may assume the role."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The token audience must be STS."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Federated == var.oidc_provider_arn
    error_message = "The role must trust the GitHub OIDC provider."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0
    error_message = "No provider is created when one is passed in."
  }

  assert {
    condition     = aws_iam_role.this.max_session_duration == 3600
    error_message = "Sessions last at most an hour."
  }
}

run "grants_exactly_the_listed_statements" {
  command = plan

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid] == ["EcrPush", "StateKey"]
    error_message = "The inline policy must hold the given statements, in order."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.this.policy).Statement[1].Condition.StringEquals["kms:ViaService"] == ["s3.eu-west-1.amazonaws.com"]
    error_message = "Conditions must be rendered."
  }

  assert {
    condition     = !contains(keys(jsondecode(aws_iam_role_policy.this.policy).Statement[0]), "Condition")
    error_message = "A statement without conditions has no Condition key."
  }
}

run "creates_the_github_oidc_provider" {
  command = plan

  variables {
    create_oidc_provider = true
    oidc_provider_arn    = null
  }

  assert {
    condition     = aws_iam_openid_connect_provider.this[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.this[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The provider must be GitHub Actions' token issuer with the STS audience."
  }
}

run "rejects_a_wildcard_subject" {
  command = plan

  variables {
    github_subjects = ["*"]
  }

  expect_failures = [var.github_subjects]
}

run "rejects_wildcard_actions" {
  command = plan

  variables {
    policy_statements = [{ sid = "All", actions = ["*"], resources = ["*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_administrator_access" {
  command = plan

  variables {
    managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  }

  expect_failures = [var.managed_policy_arns]
}

run "carries_the_permissions_boundary" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/kit-test-ci-boundary"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/kit-test-ci-boundary"
    error_message = "The role must carry the boundary it is given (no escalation beyond it)."
  }
}
