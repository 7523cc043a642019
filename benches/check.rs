#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! The benchmark: a corpus generator and a timed `acmlint::check` over it.
//!
//! ```sh
//! cargo bench --bench check                       # default corpus: 400 roots, 400 templates
//! cargo bench --bench check -- --roots 2000 --templates 2000 --runs 3
//! cargo bench --bench check -- --write /tmp/corpus  # only write the corpus (to time the CLI or peers)
//! cargo bench --bench check -- --select ACM000      # parse and build only, no policies
//! ```
//!
//! Each Terraform root has a local module used twice, certificates validated through
//! `for_each`, listeners, load balancers, security groups, DNS records and a CloudFront
//! distribution; each CloudFormation template has certificates, listeners and records. A few
//! problems are seeded so that the rules do real work.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Args {
    roots: usize,
    templates: usize,
    runs: usize,
    write: Option<PathBuf>,
    select: Vec<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        roots: 400,
        templates: 400,
        runs: 5,
        write: None,
        select: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match arg.as_str() {
            "--roots" => args.roots = value().parse().unwrap_or(args.roots),
            "--templates" => args.templates = value().parse().unwrap_or(args.templates),
            "--runs" => args.runs = value().parse().unwrap_or(args.runs).max(1),
            "--write" => args.write = Some(PathBuf::from(value())),
            "--select" => args.select.push(value()),
            _ => {} // cargo bench passes `--bench`
        }
    }
    args
}

fn module_tf() -> &'static str {
    r#"variable "name" {
  type = string
}

variable "certificate_arn" {
  type = string
}

resource "aws_security_group" "lb" {
  name   = "lb-${var.name}"
  vpc_id = "vpc-0a1b2c3d"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "this" {
  name            = "web-${var.name}"
  subnets         = ["subnet-1", "subnet-2"]
  security_groups = [aws_security_group.lb.id]
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/app/73e2d6bc24d8a067"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

output "dns_name" {
  value = aws_lb.this.dns_name
}

output "zone_id" {
  value = aws_lb.this.zone_id
}
"#
}

fn root_tf(i: usize) -> String {
    let seeded_problem = if i % 10 == 0 {
        format!(
            "resource \"aws_acm_certificate\" \"unused\" {{\n  domain_name       = \"unused{i}.example.com\"\n  validation_method = \"EMAIL\"\n}}\n"
        )
    } else {
        String::new()
    };
    format!(
        r#"provider "aws" {{
  region = "eu-west-1"
}}

provider "aws" {{
  alias  = "us_east_1"
  region = "us-east-1"
}}

locals {{
  domain = "site{i}.example.com"
}}

resource "aws_route53_zone" "main" {{
  name = local.domain
}}

resource "aws_acm_certificate" "web" {{
  domain_name               = local.domain
  subject_alternative_names = ["www.${{local.domain}}", "*.${{local.domain}}"]
  validation_method         = "DNS"
}}

resource "aws_route53_record" "validation" {{
  for_each = {{
    for dvo in aws_acm_certificate.web.domain_validation_options : dvo.domain_name => dvo...
  }}
  zone_id = aws_route53_zone.main.zone_id
  name    = each.value[0].resource_record_name
  type    = each.value[0].resource_record_type
  records = [each.value[0].resource_record_value]
  ttl     = 60
}}

resource "aws_acm_certificate_validation" "web" {{
  certificate_arn         = aws_acm_certificate.web.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}}

module "blue" {{
  source          = "../modules/web"
  name            = "blue{i}"
  certificate_arn = aws_acm_certificate_validation.web.certificate_arn
}}

module "green" {{
  source          = "../modules/web"
  name            = "green{i}"
  certificate_arn = aws_acm_certificate_validation.web.certificate_arn
}}

resource "aws_route53_record" "apex" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = ""
  type    = "A"
  alias {{
    name                   = module.green.dns_name
    zone_id                = module.green.zone_id
    evaluate_target_health = true
  }}
}}

resource "aws_route53_record" "cdn" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = "cdn"
  type    = "A"
  alias {{
    name                   = aws_cloudfront_distribution.cdn.domain_name
    zone_id                = aws_cloudfront_distribution.cdn.hosted_zone_id
    evaluate_target_health = false
  }}
}}

resource "aws_route53_record" "www" {{
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.${{local.domain}}"
  type    = "A"
  alias {{
    name                   = module.blue.dns_name
    zone_id                = module.blue.zone_id
    evaluate_target_health = true
  }}
}}

resource "aws_acm_certificate" "cdn" {{
  provider          = aws.us_east_1
  domain_name       = "cdn.${{local.domain}}"
  validation_method = "DNS"
}}

resource "aws_route53_record" "cdn_validation" {{
  for_each = {{ for dvo in aws_acm_certificate.cdn.domain_validation_options : dvo.domain_name => dvo }}
  zone_id  = aws_route53_zone.main.zone_id
  name     = each.value.resource_record_name
  type     = each.value.resource_record_type
  records  = [each.value.resource_record_value]
  ttl      = 60
}}

resource "aws_cloudfront_distribution" "cdn" {{
  enabled = true
  aliases = ["cdn.${{local.domain}}"]
  origin {{
    domain_name = "assets.s3.amazonaws.com"
    origin_id   = "assets"
  }}
  default_cache_behavior {{
    target_origin_id       = "assets"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
  }}
  restrictions {{
    geo_restriction {{
      restriction_type = "none"
    }}
  }}
  viewer_certificate {{
    acm_certificate_arn = aws_acm_certificate.cdn.arn
    ssl_support_method  = "sni-only"
  }}
}}

{seeded_problem}"#
    )
}

fn template_yaml(i: usize) -> String {
    let method = if i % 10 == 0 {
        ""
    } else {
        "      ValidationMethod: DNS\n"
    };
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Zone:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: app{i}.example.com
  Certificate:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: app{i}.example.com
      SubjectAlternativeNames: ["*.app{i}.example.com"]
{method}      DomainValidationOptions:
        - DomainName: app{i}.example.com
          HostedZoneId: !Ref Zone
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
  HttpsListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 443
      Protocol: HTTPS
      Certificates:
        - CertificateArn: !Ref Certificate
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig: {{StatusCode: "200"}}
  HttpListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig: {{Protocol: HTTPS, Port: "443", StatusCode: HTTP_301}}
  Record:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: !Sub "app{i}.example.com."
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
Outputs:
  CertificateArn:
    Value: !Ref Certificate
"#
    )
}

fn write_corpus(dir: &Path, roots: usize, templates: usize) -> std::io::Result<usize> {
    let tf = dir.join("terraform");
    std::fs::create_dir_all(tf.join("modules/web"))?;
    std::fs::write(tf.join("modules/web/main.tf"), module_tf())?;
    for i in 0..roots {
        let root = tf.join(format!("site{i:05}"));
        std::fs::create_dir_all(&root)?;
        std::fs::write(root.join("main.tf"), root_tf(i))?;
    }
    let cfn = dir.join("cloudformation");
    std::fs::create_dir_all(&cfn)?;
    for i in 0..templates {
        std::fs::write(cfn.join(format!("app{i:05}.yaml")), template_yaml(i))?;
    }
    Ok(roots + templates + 1)
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    if let Some(dir) = &args.write {
        let files = write_corpus(dir, args.roots, args.templates)?;
        println!("wrote {files} files to {}", dir.display());
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("acmlint-bench-{}", std::process::id()));
    let files = write_corpus(&dir, args.roots, args.templates)?;
    let bytes: u64 = walk_size(&dir);
    let options = acmlint::Options {
        paths: vec![dir.clone()],
        select: args.select.clone(),
        ..acmlint::Options::default()
    };
    let mut times: Vec<Duration> = Vec::new();
    let mut summary = None;
    for _ in 0..args.runs {
        let start = Instant::now();
        let report = acmlint::check(&options).map_err(std::io::Error::other)?;
        times.push(start.elapsed());
        summary = Some((report.summary.clone(), report.findings.len()));
    }
    std::fs::remove_dir_all(&dir)?;
    times.sort();
    let median = times[times.len() / 2];
    let (summary, findings) = summary.unwrap_or_default();
    println!(
        "corpus: {files} files ({:.1} MB), {} resources, {} certificates, {findings} findings",
        bytes as f64 / 1e6,
        summary.resources,
        summary.certificates
    );
    println!(
        "check: median {:.1} ms over {} runs (min {:.1} ms, max {:.1} ms); {:.0} files/s, {:.0} resources/s",
        median.as_secs_f64() * 1e3,
        args.runs,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        files as f64 / median.as_secs_f64(),
        summary.resources as f64 / median.as_secs_f64()
    );
    Ok(())
}

fn walk_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
