//! Rules: the registry, the Guard engine and the policies it runs over the views.

pub mod docs;
pub mod guard;
pub mod registry;
pub mod run;

pub use registry::{by_id, lookup, Engine, RuleInfo, RULES};
