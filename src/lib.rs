//! acmlint finds, before deployment, every reason AWS Certificate Manager would fail to renew a
//! certificate automatically.
//!
//! The pipeline, one module per stage:
//! [`discover`] files → [`parse`] them with spans → [`model`] one resource graph for Terraform
//! and CloudFormation, with whole-graph facts and one view per certificate → [`rules`] evaluate
//! the views (Guard policies in `rules/`) → [`report`] render the findings.

pub mod discover;
pub mod finding;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;
