resource "terraform_data" "probe" {
  provisioner "local-exec" {
    command = "bash ./probe.sh"
  }
}
