output "destination_regions" {
  description = "Regions images are replicated to."
  value       = var.destination_regions
}
