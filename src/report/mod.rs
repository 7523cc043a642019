//! Report: findings and input errors rendered for people (text) and tools (json, ...).

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::finding::{Finding, InputError, Severity};
use crate::source::{LineCol, SourceMap, Span};

/// Everything one run found, ready to render.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: SourceMap,
    /// Sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub summary: Summary,
    /// What could not be resolved or was skipped, for `--verbose`.
    pub diagnostics: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub certificates: usize,
    pub findings: usize,
    pub errors: usize,
}

impl Report {
    /// Findings that are not suppressed.
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// Findings that a comment, template metadata or the config file suppressed.
    pub fn suppressed_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_some())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.active_findings()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The summary as rendered: counts of findings and errors taken from the lists themselves,
    /// so the numbers always agree with what is shown (suppressed findings do not count).
    pub fn rendered_summary(&self) -> Summary {
        Summary {
            findings: self.active_findings().count(),
            errors: self.errors.len(),
            ..self.summary.clone()
        }
    }

    /// Where a span is, as users see it: display path, start and end (1-based).
    /// `None` when the span's file is not in the source map.
    pub fn locate(&self, span: Span) -> Option<Location> {
        locate(&self.sources, span)
    }

    /// Where an input error is: the span's file and position when known, else what the error
    /// itself records.
    pub fn error_location(&self, error: &InputError) -> ErrorLocation {
        match error.span.and_then(|span| self.locate(span)) {
            Some(location) => ErrorLocation {
                file: location.file,
                line: Some(location.start.line),
                column: Some(location.start.column),
            },
            None => ErrorLocation {
                file: error.path.clone(),
                line: error.line,
                column: error.column,
            },
        }
    }
}

/// A span resolved for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file's display path (forward slashes).
    pub file: String,
    pub start: LineCol,
    pub end: LineCol,
}

/// An input error's position, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLocation {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

fn locate(sources: &SourceMap, span: Span) -> Option<Location> {
    let file = sources.get(span.file)?;
    Some(Location {
        file: file.display_path(),
        start: file.line_col(span.start as usize),
        end: file.line_col(span.end as usize),
    })
}

/// The rule as shown to users: `ACM003(validation-record-missing)`, or the bare rule when it has
/// no name (a user policy).
pub fn rule_code(rule: &str, name: &str) -> String {
    if name.is_empty() || name == rule {
        rule.to_string()
    } else {
        format!("{rule}({name})")
    }
}

/// Sorts findings by file path, line, column and rule; then by end, message and resource so the
/// order never depends on the order rules ran in.
pub fn sort_findings(findings: &mut [Finding], sources: &SourceMap) {
    findings.sort_by_cached_key(|finding| sort_key(finding, sources));
}

type SortKey = (String, LineCol, String, LineCol, String, Option<String>);

fn sort_key(finding: &Finding, sources: &SourceMap) -> SortKey {
    let (file, start, end) = match locate(sources, finding.primary.span) {
        Some(location) => (location.file, location.start, location.end),
        None => {
            let unknown = LineCol { line: 0, column: 0 };
            (String::new(), unknown, unknown)
        }
    };
    (
        file,
        start,
        finding.rule.clone(),
        end,
        finding.message.clone(),
        finding.resource.clone(),
    )
}

/// Plural-aware count: `1 error`, `2 errors`.
pub(crate) fn counted(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}

/// A hand-built report shared by the renderers' snapshot tests.
#[cfg(test)]
pub(crate) mod sample {
    use super::{sort_findings, Report, Summary};
    use crate::finding::{Finding, InputError, Label, Severity, Suppression, SuppressionKind};
    use crate::source::{FileId, SourceMap, Span};
    use std::path::PathBuf;

    pub const MAIN_TF: &str = r#"resource "aws_acm_certificate" "app" {
  domain_name               = "example.com"
  subject_alternative_names = ["www.example.com"]
  validation_method         = "DNS"
}

resource "aws_route53_record" "validation" {
  zone_id = aws_route53_zone.main.zone_id
  name    = tolist(aws_acm_certificate.app.domain_validation_options)[0].resource_record_name
  type    = "CNAME"
  records = [tolist(aws_acm_certificate.app.domain_validation_options)[0].resource_record_value]
  ttl     = 60
}
"#;

    pub const LB_TF: &str = r#"resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.app.arn
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
"#;

    pub const API_YAML: &str = "Resources:
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: api.example.com
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: !Ref Cert
      EndpointConfiguration:
        Types: [PRIVATE]
";

    pub const BROKEN_YAML: &str = "Resources:
  Bucket:
    Type: AWS::S3::Bucket
     Properties: {}
";

    /// The span of the first occurrence of `needle` in `file`.
    pub fn span_of(sources: &SourceMap, file: FileId, needle: &str) -> Span {
        let text = sources.get(file).map_or("", |f| &f.text);
        let start = text.find(needle).unwrap_or(0);
        Span::new(file, start, start + needle.len())
    }

    fn validation_record_missing(sources: &SourceMap, main: FileId) -> Finding {
        Finding {
            rule: "ACM003".into(),
            name: "validation-record-missing".into(),
            severity: Severity::Error,
            message: "no validation CNAME for www.example.com".into(),
            resource: Some("aws_acm_certificate.app".into()),
            primary: Label::new(
                span_of(
                    sources,
                    main,
                    r#"subject_alternative_names = ["www.example.com"]"#,
                ),
                "www.example.com needs its own validation record",
            ),
            related: vec![Label::new(
                span_of(
                    sources,
                    main,
                    "tolist(aws_acm_certificate.app.domain_validation_options)[0]",
                ),
                "only the first name is validated",
            )],
            help: Some(
                "create one record per entry of domain_validation_options:\n\n\
                 for_each = {\n  \
                 for o in aws_acm_certificate.app.domain_validation_options : o.domain_name => o\n\
                 }"
                .into(),
            ),
            suppressed: None,
        }
    }

    fn listener_not_https(sources: &SourceMap, lb: FileId, main: FileId) -> Finding {
        Finding {
            rule: "ACM002".into(),
            name: "listener-not-https".into(),
            severity: Severity::Warning,
            message: "aws_lb.app serves plain HTTP without redirecting to HTTPS".into(),
            resource: Some("aws_lb_listener.http".into()),
            primary: Label::new(span_of(sources, lb, r#"protocol          = "HTTP""#), ""),
            related: vec![
                Label::new(
                    span_of(sources, lb, r#"protocol          = "HTTPS""#),
                    "the HTTPS listener on the same load balancer",
                ),
                Label::new(
                    span_of(sources, main, r#"resource "aws_acm_certificate" "app""#),
                    "certificate served by aws_lb.app",
                ),
            ],
            help: Some("make the default action a redirect to HTTPS (type = \"redirect\", protocol = \"HTTPS\", status_code = \"HTTP_301\")".into()),
            suppressed: None,
        }
    }

    fn not_internet_reachable(sources: &SourceMap, api: FileId) -> Finding {
        Finding {
            rule: "ACM005".into(),
            name: "not-internet-reachable".into(),
            severity: Severity::Note,
            message:
                "Domain is a private API endpoint: ACM cannot reach api.example.com over HTTPS"
                    .into(),
            resource: Some("Domain".into()),
            primary: Label::new(
                span_of(sources, api, "Types: [PRIVATE]"),
                "private endpoint",
            ),
            related: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    fn email_validation_suppressed(sources: &SourceMap, api: FileId) -> Finding {
        Finding {
            rule: "ACM004".into(),
            name: "email-validation".into(),
            severity: Severity::Warning,
            message: "Cert is validated by email (CloudFormation's default)".into(),
            resource: Some("Cert".into()),
            primary: Label::new(span_of(sources, api, "Cert:"), "no ValidationMethod"),
            related: Vec::new(),
            help: Some("add `ValidationMethod: DNS`".into()),
            suppressed: Some(Suppression {
                kind: SuppressionKind::InSource,
                reason: Some("the security team answers the mail".into()),
                span: None,
            }),
        }
    }

    fn errors(sources: &SourceMap, broken: FileId) -> Vec<InputError> {
        vec![
            InputError {
                path: "stacks/broken.yaml".into(),
                span: Some(span_of(sources, broken, "Properties")),
                line: Some(4),
                column: Some(6),
                message: "mapping values are not allowed in this context".into(),
            },
            InputError {
                path: "modules/vendor/big.tf".into(),
                span: None,
                line: None,
                column: None,
                message: "cannot read file: permission denied".into(),
            },
        ]
    }

    /// Findings of every kind, two input errors and one unresolved reference.
    pub fn report() -> Report {
        let mut sources = SourceMap::default();
        let main = sources.add(PathBuf::from("infra/main.tf"), MAIN_TF);
        let lb = sources.add(PathBuf::from("infra/lb.tf"), LB_TF);
        let api = sources.add(PathBuf::from("stacks/api.yaml"), API_YAML);
        let broken = sources.add(PathBuf::from("stacks/broken.yaml"), BROKEN_YAML);
        let mut findings = vec![
            not_internet_reachable(&sources, api),
            listener_not_https(&sources, lb, main),
            validation_record_missing(&sources, main),
            email_validation_suppressed(&sources, api),
        ];
        sort_findings(&mut findings, &sources);
        Report {
            errors: errors(&sources, broken),
            findings,
            summary: Summary {
                files: 5,
                resources: 7,
                certificates: 2,
                findings: 3,
                errors: 2,
            },
            diagnostics: vec![
                "infra/main.tf:8:13: aws_route53_zone.main is not defined here; its zone is unknown"
                    .into(),
            ],
            sources,
        }
    }

    /// A report with no findings and no errors.
    pub fn clean(files: usize) -> Report {
        Report {
            summary: Summary {
                files,
                ..Summary::default()
            },
            ..Report::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Label;
    use std::path::PathBuf;

    fn finding(rule: &str, span: Span) -> Finding {
        Finding {
            rule: rule.to_string(),
            name: String::new(),
            severity: Severity::Error,
            message: format!("{rule} message"),
            resource: None,
            primary: Label::new(span, ""),
            related: Vec::new(),
            help: None,
            suppressed: None,
        }
    }

    #[test]
    fn sort_findings_orders_by_path_line_column_rule() {
        let mut sources = SourceMap::default();
        let b = sources.add(PathBuf::from("b.tf"), "x = 1\ny = 2\n");
        let a = sources.add(PathBuf::from("a/main.tf"), "abc = 1\n");
        let mut findings = vec![
            finding("ACM002", Span::new(b, 6, 7)),
            finding("ACM003", Span::new(b, 0, 1)),
            finding("ACM001", Span::new(b, 6, 7)),
            finding("ACM005", Span::new(a, 2, 3)),
            finding("ACM004", Span::new(a, 0, 1)),
        ];
        sort_findings(&mut findings, &sources);
        let order: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(order, ["ACM004", "ACM005", "ACM003", "ACM001", "ACM002"]);
    }

    #[test]
    fn sort_findings_compares_columns_as_numbers() {
        let mut sources = SourceMap::default();
        let f = sources.add(PathBuf::from("main.tf"), "0123456789abcdef\n");
        let mut findings = vec![
            finding("ACM001", Span::new(f, 10, 11)),
            finding("ACM002", Span::new(f, 2, 3)),
        ];
        sort_findings(&mut findings, &sources);
        assert_eq!(findings[0].rule, "ACM002");
    }

    #[test]
    fn counted_uses_singular_for_one() {
        assert_eq!(counted(1, "file", "files"), "1 file");
        assert_eq!(counted(0, "file", "files"), "0 files");
        assert_eq!(counted(2, "file", "files"), "2 files");
    }
}
