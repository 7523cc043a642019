//! Views: one small JSON document per certificate, what the Guard policies read.
//!
//! A view holds the certificate, its facts and the resources that use it, nothing else, so the
//! cost of evaluating policies grows with the number of certificates, not with the size of the
//! repository. Next to each document, an index maps JSON pointers to the source spans they came
//! from (and to secondary labels), so that a failing clause points at the right attribute.
//! The schema is versioned ([`SCHEMA_VERSION`]) and documented in `docs/views.md`.

use super::facts::Facts;
use super::{CertOrigin, Certificate, Graph, Method, RecordStatus};
use crate::finding::Label;
use crate::source::Span;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const SCHEMA_VERSION: u32 = 1;

/// One certificate's view and where its parts come from.
#[derive(Debug, Clone)]
pub struct View {
    pub address: String,
    pub lang: super::Lang,
    pub document: Value,
    /// The certificate resource's header: the fallback location.
    pub span: Span,
    spans: HashMap<String, Span>,
    labels: HashMap<String, String>,
    related: HashMap<String, Vec<Label>>,
}

impl View {
    /// The span for a JSON pointer: the deepest indexed ancestor of `path`.
    pub fn span_of(&self, path: &str) -> Span {
        ancestors(path)
            .find_map(|p| self.spans.get(p).copied())
            .unwrap_or(self.span)
    }

    /// The text for the primary label at a JSON pointer, when the view has a specific one.
    pub fn label_of(&self, path: &str) -> Option<&str> {
        ancestors(path).find_map(|p| self.labels.get(p).map(String::as_str))
    }

    /// Secondary labels for a JSON pointer (from its deepest ancestor that has some).
    pub fn related_of(&self, path: &str) -> Vec<Label> {
        ancestors(path)
            .find_map(|p| self.related.get(p).cloned())
            .unwrap_or_default()
    }
}

/// `/a/b/c`, `/a/b`, `/a`, ``.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(path);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.rfind('/').map(|i| current.get(..i).unwrap_or(""));
        Some(current)
    })
}

pub fn build(graph: &Graph, facts: &Facts) -> Vec<View> {
    graph
        .certificates
        .iter()
        .filter_map(|cert| view(graph, facts, cert))
        .collect()
}

fn view(graph: &Graph, facts: &Facts, cert: &Certificate) -> Option<View> {
    let resource = graph.get(cert.res)?;
    let mut v = View {
        address: resource.address.clone(),
        lang: resource.lang,
        document: Value::Null,
        span: resource.span,
        spans: HashMap::new(),
        labels: HashMap::new(),
        related: HashMap::new(),
    };
    let mut certificate = Map::new();
    certificate.insert("address".into(), json!(resource.address));
    certificate.insert("type".into(), json!(resource.rtype));
    certificate.insert("language".into(), json!(resource.lang));
    certificate.insert("origin".into(), json!(cert.origin));
    v.index("/certificate/origin", cert.origin_span);
    certificate.insert("validation_method".into(), json!(cert.method));
    certificate.insert(
        "validation_method_defaulted".into(),
        json!(cert.method_defaulted),
    );
    v.index("/certificate/validation_method", cert.method_span);
    certificate.insert("names".into(), names(&mut v, cert));
    certificate.insert("names_complete".into(), json!(!cert.names_unknown));
    if let Some(partial) = &cert.partial {
        certificate.insert(
            "partial_validation".into(),
            json!({"covered": partial.covered, "needed": partial.needed, "record": partial.record}),
        );
        v.index("/certificate/partial_validation", Some(partial.span));
        v.labels.insert(
            "/certificate/partial_validation".into(),
            format!(
                "one entry of domain_validation_options: {} of {} validation names",
                partial.covered, partial.needed
            ),
        );
        v.relate(
            "/certificate/partial_validation",
            vec![Label::new(
                resource.span,
                "certificate with several validation names",
            )],
        );
    }
    certificate.insert("exportable".into(), json!(cert.exportable));
    certificate.insert(
        "region".into(),
        json!(cert.region.as_deref().unwrap_or("unknown")),
    );
    v.index("/certificate/region", cert.region_span);
    if let Some(expires) = &cert.expires {
        certificate.insert("expires".into(), json!(expires));
    }
    let mut document = Map::new();
    document.insert("schema_version".into(), json!(SCHEMA_VERSION));
    document.insert("certificate".into(), Value::Object(certificate));
    document.insert("usage".into(), json!(usage(facts, cert)));
    let consumers: Vec<Value> = facts
        .uses_of(cert.res)
        .iter()
        .filter_map(|u| graph.get(u.consumer))
        .map(|r| json!({"address": r.address, "type": r.rtype, "kind": r.kind}))
        .collect();
    document.insert("consumers".into(), Value::Array(consumers));
    let exports = facts.exports_of(cert.res);
    document.insert(
        "exports".into(),
        json!(exports.iter().map(|e| e.what.clone()).collect::<Vec<_>>()),
    );
    v.relate(
        "/usage",
        exports
            .iter()
            .map(|e| {
                Label::new(
                    e.span,
                    format!("the ARN leaves the configuration here ({})", e.what),
                )
            })
            .collect(),
    );
    v.document = Value::Object(document);
    Some(v)
}

impl View {
    fn index(&mut self, path: &str, span: Option<Span>) {
        if let Some(span) = span {
            self.spans.insert(path.to_string(), span);
        }
    }

    fn relate(&mut self, path: &str, labels: Vec<Label>) {
        if !labels.is_empty() {
            self.related.insert(path.to_string(), labels);
        }
    }
}

fn names(v: &mut View, cert: &Certificate) -> Value {
    let mut out = Vec::new();
    let mut seen: Vec<(String, &str)> = Vec::new();
    for (i, name) in cert.names.iter().enumerate() {
        let key = super::validation_name(&name.name).to_ascii_lowercase();
        let shared = seen.iter().find(|(k, _)| *k == key).map(|(_, n)| *n);
        let record = match (cert.method, shared) {
            (Method::Dns, Some(_)) => json!("shared"),
            (Method::Dns, None) => json!(name.record),
            _ => json!("not-applicable"),
        };
        let mut entry = json!({"name": name.name, "validation_record": record});
        if let (Some(other), Some(map)) = (shared, entry.as_object_mut()) {
            map.insert("shares_record_with".into(), json!(other));
        }
        seen.push((key, &name.name));
        out.push(entry);
        v.index(&format!("/certificate/names/{i}"), Some(name.span));
        if let (Some(span), RecordStatus::Missing) = (name.record_span, name.record) {
            v.relate(
                &format!("/certificate/names/{i}"),
                vec![Label::new(
                    span,
                    "this DomainValidationOptions entry has no HostedZoneId",
                )],
            );
        }
    }
    Value::Array(out)
}

/// `in-use`, `exported` (the ARN only leaves the configuration), `unknown` (it goes somewhere
/// acmlint cannot follow), or `unused`. Imported and exportable certificates have their own
/// story: imported ones are never renewed (ACM007), exportable ones renew when exported.
fn usage(facts: &Facts, cert: &Certificate) -> &'static str {
    if !facts.uses_of(cert.res).is_empty() {
        "in-use"
    } else if !facts.opaque_of(cert.res).is_empty() || cert.origin == CertOrigin::Unknown {
        "unknown"
    } else if cert.exportable || !facts.exports_of(cert.res).is_empty() {
        "exported"
    } else {
        "unused"
    }
}

#[cfg(test)]
mod tests {
    use super::ancestors;

    #[test]
    fn ancestors_walk_up_to_the_root() {
        let all: Vec<&str> = ancestors("/a/b/1").collect();
        assert_eq!(all, vec!["/a/b/1", "/a/b", "/a", ""]);
    }
}
