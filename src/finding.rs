//! What rules produce and reports render.

use crate::source::Span;
use serde::Serialize;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "note" | "info" | "notice" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A span with a message: "certificate attached here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            message: message.into(),
        }
    }
}

/// Why a finding was suppressed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// `inSource` (a comment or template metadata) or `external` (the config file).
    pub kind: SuppressionKind,
    pub reason: Option<String>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    InSource,
    External,
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `ACM003`, or the Guard rule name of a user policy.
    pub rule: String,
    /// `validation-record-missing`.
    pub name: String,
    pub severity: Severity,
    pub message: String,
    /// The resource address (`aws_acm_certificate.app`, `module.m.aws_lb.x`) or logical ID.
    pub resource: Option<String>,
    /// What must change.
    pub primary: Label,
    /// Other places involved (the listener that serves the certificate, the record...).
    pub related: Vec<Label>,
    /// The fix, with the Terraform or CloudFormation to add.
    pub help: Option<String>,
    pub suppressed: Option<Suppression>,
}

/// A file or directory that could not be analysed (rule ACM000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    /// Present when the file was read and the error has a position.
    pub span: Option<Span>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}
