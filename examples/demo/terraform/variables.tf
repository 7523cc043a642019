variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "domain" {
  type = string
}
