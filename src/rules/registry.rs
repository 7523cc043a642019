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
    /// The documentation page (Markdown): What it checks, Why it matters for renewal,
    /// Example, How to fix, Known limitations.
    pub docs: &'static str,
    pub engine: Engine,
}

/// Declares the catalog: one line per rule, its docs and Guard file in `rules/`.
macro_rules! catalog {
    ($( $id:literal $name:literal $severity:ident $engine:ident($file:literal) $summary:literal; )*) => {
        pub static RULES: &[RuleInfo] = &[
            $( RuleInfo {
                id: $id,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $file, ".md")),
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
        "A Terraform or CloudFormation file cannot be read or parsed";
}

pub fn by_id(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Looks a rule up by ID (`ACM003`) or name (`validation-record-missing`).
pub fn lookup(key: &str) -> Option<&'static RuleInfo> {
    by_id(key).or_else(|| RULES.iter().find(|r| r.name.eq_ignore_ascii_case(key)))
}
