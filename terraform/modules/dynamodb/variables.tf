variable "name" {
  description = "Table name, e.g. kit-dev-data-api-items."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3 to 255 of a-z A-Z 0-9 _ . - (DynamoDB's rule)."
  }
}

variable "hash_key" {
  description = "Partition key attribute (a string)."
  type        = string
  default     = "id"
}

variable "point_in_time_recovery" {
  description = "Continuous backups, restorable to any second of the last 35 days."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the table; null uses the AWS managed key for DynamoDB (aws/dynamodb)."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse DeleteTable until this is turned off: a table of records is not deleted by a plan nobody read."
  type        = bool
  default     = true
}

variable "ttl_attribute" {
  description = "Attribute holding an expiry time (epoch seconds); null: items never expire."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on the table."
  type        = map(string)
  default     = {}
}
