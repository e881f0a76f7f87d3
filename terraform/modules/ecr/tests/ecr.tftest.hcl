mock_provider "aws" {}

variables {
  repositories = ["kit/go-app", "kit/node-app"]
}

run "immutable_scanned_encrypted_repositories" {
  command = plan

  assert {
    condition     = toset(keys(aws_ecr_repository.this)) == toset(["kit/go-app", "kit/node-app"])
    error_message = "One repository per app."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "Tags must be immutable."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.encryption_configuration[0].encryption_type == "KMS"])
    error_message = "Images must be encrypted with KMS."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.force_delete == false])
    error_message = "Repositories holding images must not be deletable by default."
  }
}

run "lifecycle_policy_expires_untagged_and_keeps_recent" {
  command = plan

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 2
    error_message = "Each repository needs a lifecycle policy."
  }

  assert {
    condition     = [for rule in jsondecode(aws_ecr_lifecycle_policy.this["kit/go-app"].policy).rules : rule.selection.tagStatus] == ["untagged", "tagged"]
    error_message = "The lifecycle policy must expire untagged images first, then cap tagged ones."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this["kit/go-app"].policy).rules[1].selection.countNumber == 30
    error_message = "The newest 30 tagged images stay (rollback targets)."
  }
}

run "rejects_invalid_repository_names" {
  command = plan

  variables {
    repositories = ["Kit/GoApp"]
  }

  expect_failures = [var.repositories]
}

run "rejects_keeping_too_few_images" {
  command = plan

  variables {
    keep_tagged_images = 1
  }

  expect_failures = [var.keep_tagged_images]
}
