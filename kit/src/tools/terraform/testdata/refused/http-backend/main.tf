terraform {
  backend "http" {
    address = "http://__CANARY__/state"
  }
}
