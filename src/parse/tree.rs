//! A span-aware document tree for CloudFormation templates (YAML and JSON).
//!
//! The loader in [`super::cfn`] produces it; the model reads it. Short-form intrinsics are
//! normalised to their long form: `!Ref X` is a one-entry map `{Ref: X}`, `!GetAtt A.B` is
//! `{Fn::GetAtt: "A.B"}`, `!Sub ...` is `{Fn::Sub: ...}`, `!Condition C` is `{Condition: C}` and
//! any other `!Name` is `{Fn::Name: ...}`; the key span of that entry is the tag's span.

use crate::source::Span;

/// A value with the span of its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written (CloudFormation treats most numbers as strings anyway).
    Number(String),
    String(String),
    Seq(Vec<Node>),
    Map(Map),
}

/// An ordered map; keys are unique (the loader reports duplicates as errors).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// Follows a path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The intrinsic function this node is, if it is a one-entry map whose key is `Ref`,
    /// `Condition` or starts with `Fn::`: its name and argument.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        let map = self.as_map()?;
        let [entry] = map.entries.as_slice() else {
            return None;
        };
        let is_intrinsic =
            entry.key == "Ref" || entry.key == "Condition" || entry.key.starts_with("Fn::");
        is_intrinsic.then_some((entry.key.as_str(), &entry.value))
    }
}
