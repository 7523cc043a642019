//! The one registry every consumer reads: selection, `acmlint rules`, `acmlint explain`,
//! SARIF rule metadata and the README table.

use crate::finding::Severity;

/// How a rule is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Reported by the loader itself (parse errors).
    Input,
    /// A `.guard` file in `rules/`, embedded in the binary, run over the certificate views.
    Guard {
        file: &'static str,
        source: &'static str,
    },
}

/// A rule's metadata and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The text under the primary span of a finding.
    pub label: &'static str,
    /// One-line fixes shown under each finding, per language.
    pub help_terraform: &'static str,
    pub help_cloudformation: &'static str,
    /// The documentation page (Markdown): What it checks, Why it matters for renewal,
    /// Example, How to fix, Known limitations.
    pub docs: &'static str,
    /// The documentation page's file name in `rules/` (`acm003_validation_record_missing.md`).
    pub page: &'static str,
    pub engine: Engine,
}

/// Declares the catalog: one entry per rule, its docs and Guard file in `rules/`.
macro_rules! catalog {
    ($( $id:literal $name:literal $severity:ident $engine:ident($file:literal)
        summary: $summary:literal
        label: $label:literal
        terraform: $tf:literal
        cloudformation: $cfn:literal; )*) => {
        pub static RULES: &[RuleInfo] = &[
            $( RuleInfo {
                id: $id,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                label: $label,
                help_terraform: $tf,
                help_cloudformation: $cfn,
                docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $file, ".md")),
                page: concat!($file, ".md"),
                engine: catalog!(@engine $engine $file),
            }, )*
        ];
    };
    (@engine input $file:literal) => { Engine::Input };
    (@engine guard $file:literal) => {
        Engine::Guard {
            file: concat!($file, ".guard"),
            source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $file, ".guard")),
        }
    };
}

catalog! {
    "ACM000" "parse-error" Error input("acm000_parse_error")
        summary: "A Terraform or CloudFormation file cannot be read or parsed"
        label: "cannot parse this"
        terraform: "fix the syntax at this position (`terraform validate` gives more detail)"
        cloudformation: "fix the syntax at this position (`cfn-lint` gives more detail)";
    "ACM001" "certificate-not-in-use" Error guard("acm001_certificate_not_in_use")
        summary: "No ACM-integrated resource uses the certificate, so ACM does not renew it"
        label: "not used by any ACM-integrated resource"
        terraform: "attach it where it is served, e.g. on an HTTPS listener:\n\n  certificate_arn = aws_acm_certificate.<name>.arn\n\nor export its ARN with an `output` if another configuration uses it"
        cloudformation: "attach it where it is served, e.g. on an HTTPS listener:\n\n  Certificates:\n    - CertificateArn: !Ref <Certificate>\n\nor export its ARN in `Outputs` if another stack uses it";
    "ACM002" "listener-not-https" Warning guard("acm002_listener_not_https")
        summary: "A load balancer serves plain HTTP beside HTTPS, or holds a certificate badly"
        label: "plain HTTP"
        terraform: "redirect to HTTPS:\n\n  default_action {\n    type = \"redirect\"\n    redirect {\n      port        = \"443\"\n      protocol    = \"HTTPS\"\n      status_code = \"HTTP_301\"\n    }\n  }"
        cloudformation: "redirect to HTTPS:\n\n  DefaultActions:\n    - Type: redirect\n      RedirectConfig: {Protocol: HTTPS, Port: \"443\", StatusCode: HTTP_301}";
    "ACM003" "validation-record-missing" Error guard("acm003_validation_record_missing")
        summary: "A name of a DNS-validated certificate has no validation CNAME"
        label: "no validation CNAME for this name"
        terraform: "create one aws_route53_record per entry of domain_validation_options:\n\n  for_each = { for dvo in aws_acm_certificate.<name>.domain_validation_options :\n               dvo.domain_name => dvo }"
        cloudformation: "give every name a DomainValidationOptions entry with its HostedZoneId:\n\n  - DomainName: <name>\n    HostedZoneId: !Ref <HostedZone>";
    "ACM004" "email-validation" Warning guard("acm004_email_validation")
        summary: "The certificate is validated by email: renewal may wait for a person"
        label: "validated by email"
        terraform: "validate by DNS: validation_method = \"DNS\", and create the validation records"
        cloudformation: "validate by DNS: ValidationMethod: DNS, with a HostedZoneId per name in DomainValidationOptions";
    "ACM005" "not-internet-reachable" Warning guard("acm005_not_internet_reachable")
        summary: "The resource serving the certificate is not reachable over HTTPS"
        label: "not reachable from the internet"
        terraform: "serve it from an internet-facing resource that admits TCP 443 from 0.0.0.0/0 and ::/0, e.g.\n\n  resource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n    security_group_id = aws_security_group.<lb>.id\n    cidr_ipv4         = \"0.0.0.0/0\"\n    from_port         = 443\n    to_port           = 443\n    ip_protocol       = \"tcp\"\n  }\n\nAn email-validated certificate can instead switch to validation_method = \"DNS\", which renews without this probe."
        cloudformation: "serve it from an internet-facing resource (Scheme: internet-facing) whose security group admits TCP 443 from 0.0.0.0/0 and ::/0; an email-validated certificate can instead switch to ValidationMethod: DNS, which renews without this probe";
    "ACM006" "domain-not-routed" Warning guard("acm006_domain_not_routed")
        summary: "DNS does not route a certificate name to the resource that serves it"
        label: "not routed to the resource that serves the certificate"
        terraform: "add an A/AAAA alias (or a CNAME) in the zone that points the name at the resource serving the certificate, e.g. for a load balancer:\n\n  alias {\n    name                   = aws_lb.<lb>.dns_name\n    zone_id                = aws_lb.<lb>.zone_id\n    evaluate_target_health = true\n  }\n\nFor CloudFront, use the distribution's domain_name and hosted_zone_id."
        cloudformation: "add a record in the zone that points the name at the resource serving the certificate, e.g.\n\n  AliasTarget:\n    DNSName: !GetAtt <LoadBalancer>.DNSName\n    HostedZoneId: !GetAtt <LoadBalancer>.CanonicalHostedZoneID\n\nFor CloudFront, use !GetAtt <Distribution>.DomainName and HostedZoneId Z2FDTNDATAQYW2.";
    "ACM007" "imported-certificate" Warning guard("acm007_imported_certificate")
        summary: "The certificate is imported: ACM never renews it"
        label: "imported: ACM never renews it"
        terraform: "request an ACM-issued certificate (domain_name + validation_method = \"DNS\") instead of importing one"
        cloudformation: "request an ACM-issued certificate with ValidationMethod: DNS";
    "ACM008" "certificate-region" Error guard("acm008_certificate_region")
        summary: "A CloudFront-backed service uses a certificate outside us-east-1"
        label: "certificate created outside us-east-1"
        terraform: "create the certificate with a us-east-1 provider:\n\n  provider = aws.us_east_1"
        cloudformation: "create the certificate in a stack deployed in us-east-1 and pass its ARN";
    "ACM901" "unused-suppression" Warning input("acm901_unused_suppression")
        summary: "A suppression names an unknown rule or a rule that found nothing there"
        label: "suppresses nothing"
        terraform: "remove the comment, or correct the rule it names"
        cloudformation: "remove the entry from Metadata.acmlint.ignore, or correct the rule it names";
    "ACM902" "suppression-without-reason" Warning input("acm902_suppression_without_reason")
        summary: "A suppression does not say why the finding is acceptable"
        label: "no reason given"
        terraform: "add the reason after `--`: # acmlint:ignore ACM004 -- <why>"
        cloudformation: "add the reason: {rule: ACM004, reason: <why>}";
}

/// Help for rule variants (Guard rules named `ID__variant`) whose fix differs from the rule's:
/// (variant rule name, Terraform, CloudFormation).
pub static VARIANT_HELP: &[(&str, &str, &str)] = &[
    (
        "ACM002__error",
        "put the certificate on an HTTPS (ALB) or TLS (NLB) listener on port 443:\n\n  port     = 443\n  protocol = \"HTTPS\"",
        "put the certificate on an HTTPS (ALB) or TLS (NLB) listener on port 443:\n\n  Port: 443\n  Protocol: HTTPS",
    ),
    (
        "ACM002__port",
        "serve the certificate on port 443 (ACM's HTTPS probe does not try other ports), or validate it by DNS",
        "serve the certificate on port 443 (ACM's HTTPS probe does not try other ports), or validate it by DNS",
    ),
    (
        "ACM002__note",
        "serve the certificate on port 443 as well, so that browsers and ACM reach it on the standard port",
        "serve the certificate on port 443 as well, so that browsers and ACM reach it on the standard port",
    ),
];

pub fn by_id(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Looks a rule up by ID (`ACM003`) or name (`validation-record-missing`).
pub fn lookup(key: &str) -> Option<&'static RuleInfo> {
    by_id(key).or_else(|| RULES.iter().find(|r| r.name.eq_ignore_ascii_case(key)))
}
