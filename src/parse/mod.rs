//! Parse: source text into span-aware syntax, one front end per format.
//!
//! Terraform goes through [`hcl`] into [`hcl_ast`]; CloudFormation YAML and JSON go through
//! [`cfn`] into [`tree`]. A front end that fails returns a [`ParseError`] with a position; the
//! run reports it as ACM000 and goes on with the other files.

pub mod cfn;
pub mod hcl;
pub mod hcl_ast;
pub mod tree;

use crate::source::Span;

/// A file that could not be parsed, with the position of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Where the problem is (may be empty: a point).
    pub span: Span,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError {
            message: message.into(),
            span,
        }
    }
}
