//! The cfn-guard adapter: evaluates Guard rules over view documents.
//!
//! The only module that knows cfn-guard's API and its JSON report layout.
