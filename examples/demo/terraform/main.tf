terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

resource "aws_route53_zone" "main" {
  name = var.domain
}

# The storefront: certificate validated by DNS, one record per name, served by two ALBs.
resource "aws_acm_certificate" "shop" {
  domain_name               = "shop.${var.domain}"
  subject_alternative_names = ["*.shop.${var.domain}"]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "shop_validation" {
  for_each = {
    for dvo in aws_acm_certificate.shop.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }...
  }
  zone_id         = aws_route53_zone.main.zone_id
  name            = each.value[0].name
  type            = each.value[0].type
  records         = [each.value[0].record]
  ttl             = 60
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "shop" {
  certificate_arn         = aws_acm_certificate.shop.arn
  validation_record_fqdns = [for r in aws_route53_record.shop_validation : r.fqdn]
}

module "web_blue" {
  source          = "./modules/web"
  name            = "blue"
  certificate_arn = aws_acm_certificate_validation.shop.certificate_arn
}

module "web_green" {
  source          = "./modules/web"
  name            = "green"
  certificate_arn = aws_acm_certificate_validation.shop.certificate_arn
}

resource "aws_route53_record" "shop" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "shop.${var.domain}"
  type    = "A"
  alias {
    name                   = module.web_blue.dns_name
    zone_id                = module.web_blue.zone_id
    evaluate_target_health = true
  }
}

# The API: two names, but the record is built from the first entry only.
resource "aws_acm_certificate" "api" {
  domain_name               = "api.${var.domain}"
  subject_alternative_names = ["api-v2.${var.domain}"]
  validation_method         = "DNS"
}

resource "aws_route53_record" "api_validation" {
  zone_id = aws_route53_zone.main.zone_id
  name    = tolist(aws_acm_certificate.api.domain_validation_options)[0].resource_record_name
  type    = tolist(aws_acm_certificate.api.domain_validation_options)[0].resource_record_type
  records = [tolist(aws_acm_certificate.api.domain_validation_options)[0].resource_record_value]
  ttl     = 60
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = "api.${var.domain}"
  regional_certificate_arn = aws_acm_certificate.api.arn

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "api"
  type    = "A"
  alias {
    name                   = aws_api_gateway_domain_name.api.regional_domain_name
    zone_id                = aws_api_gateway_domain_name.api.regional_zone_id
    evaluate_target_health = false
  }
}

# Static assets on CloudFront, but the certificate comes from the default provider (eu-west-1).
resource "aws_acm_certificate" "cdn" {
  domain_name       = "cdn.${var.domain}"
  validation_method = "DNS"
}

resource "aws_route53_record" "cdn_validation" {
  for_each = {
    for dvo in aws_acm_certificate.cdn.domain_validation_options : dvo.domain_name => dvo
  }
  zone_id = aws_route53_zone.main.zone_id
  name    = each.value.resource_record_name
  type    = each.value.resource_record_type
  records = [each.value.resource_record_value]
  ttl     = 60
}

resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  aliases = ["cdn.${var.domain}"]

  origin {
    domain_name = "assets.s3.amazonaws.com"
    origin_id   = "assets"
  }

  default_cache_behavior {
    target_origin_id       = "assets"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.cdn.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_route53_record" "cdn" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "cdn.${var.domain}"
  type    = "A"
  alias {
    name                   = aws_cloudfront_distribution.cdn.domain_name
    zone_id                = aws_cloudfront_distribution.cdn.hosted_zone_id
    evaluate_target_health = false
  }
}

# Requested for the status page, never attached to anything.
resource "aws_acm_certificate" "status" {
  domain_name       = "status.${var.domain}"
  validation_method = "EMAIL"
}
