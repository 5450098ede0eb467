terraform {
  required_version = "~> 1.11"

  backend "s3" {
    endpoints = { s3 = "https://nyc3.digitaloceanspaces.com" }
    bucket    = "acme-tfstate"
    key       = "prod/terraform.tfstate"

    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    skip_s3_checksum            = true
    /* état 😀 */ region = "nyc3"
    use_lockfile                = true
  }
}
