//! Report: findings and input errors rendered for people (text) and tools (json, ...).

pub mod json;
pub mod text;

use crate::finding::{Finding, InputError, Severity};
use crate::source::SourceMap;

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

    pub fn count(&self, severity: Severity) -> usize {
        self.active_findings()
            .filter(|f| f.severity == severity)
            .count()
    }
}
