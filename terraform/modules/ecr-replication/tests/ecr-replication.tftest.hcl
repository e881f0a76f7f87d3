mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  destination_regions = ["eu-central-1"]
  repository_prefixes = ["kit-prod/"]
}

run "copies_prod_images_to_the_dr_region" {
  command = plan

  assert {
    condition     = one(one(one(aws_ecr_replication_configuration.this[0].replication_configuration).rule).destination).region == "eu-central-1" && one(one(one(aws_ecr_replication_configuration.this[0].replication_configuration).rule).destination).registry_id == "123456789012"
    error_message = "Images must be copied to the DR region of the same account."
  }

  assert {
    condition     = one(one(one(aws_ecr_replication_configuration.this[0].replication_configuration).rule).repository_filter).filter == "kit-prod/" && one(one(one(aws_ecr_replication_configuration.this[0].replication_configuration).rule).repository_filter).filter_type == "PREFIX_MATCH"
    error_message = "Only the named repositories must be replicated."
  }
}

run "no_regions_no_replication" {
  command = plan

  variables {
    destination_regions = []
  }

  assert {
    condition     = length(aws_ecr_replication_configuration.this) == 0
    error_message = "Without a destination there must be no replication configuration."
  }
}

run "rejects_a_bad_region_and_replicating_everything" {
  command = plan

  variables {
    destination_regions = ["Frankfurt"]
    repository_prefixes = []
  }

  expect_failures = [var.destination_regions, var.repository_prefixes]
}
