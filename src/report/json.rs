//! The stable JSON report (DESIGN.md, version 1).

use super::Report;

/// The stable JSON report of DESIGN.md (version 1).
pub fn render_json(report: &Report) -> String {
    let _ = report;
    String::new()
}
