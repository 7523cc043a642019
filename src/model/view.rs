//! Views: one small JSON document per certificate, what the Guard policies read.
//!
//! A view holds the certificate, its facts and the resources that use it, nothing else, so the
//! cost of evaluating policies grows with the number of certificates, not with the size of the
//! repository. Next to each document, an index maps JSON pointers to the source spans they came
//! from (and to secondary labels), so that a failing clause points at the right attribute.
//! The schema is versioned ([`SCHEMA_VERSION`]) and documented in `docs/views.md`.

use super::facts::{CertUse, ExternalCert, Facts};
use super::serving::{Index, Served, Tri};
use super::ResId;
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
    /// The deployment unit of the certificate (findings are told apart by it).
    pub unit: usize,
    /// Which root a module instance belongs to, when several could hold the same address.
    pub context: Option<String>,
    pub lang: super::Lang,
    pub document: Value,
    /// The certificate resource's header: the fallback location.
    pub span: Span,
    spans: HashMap<String, Span>,
    labels: HashMap<String, String>,
    related: HashMap<String, Vec<Label>>,
    /// The resource a finding at a path is about, when it is not the certificate.
    resources: HashMap<String, String>,
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

    /// The address of the resource a finding at a JSON pointer is about.
    pub fn resource_of(&self, path: &str) -> &str {
        ancestors(path)
            .find_map(|p| self.resources.get(p).map(String::as_str))
            .unwrap_or(&self.address)
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
    let index = Index::new(graph);
    let mut views: Vec<View> = graph
        .certificates
        .iter()
        .filter_map(|cert| view(&index, facts, cert))
        .collect();
    views.extend(
        facts
            .external
            .iter()
            .filter_map(|e| external_view(&index, e)),
    );
    views
}

fn empty_view(address: &str, lang: super::Lang, span: Span) -> View {
    View {
        address: address.to_string(),
        unit: usize::MAX,
        context: None,
        lang,
        document: Value::Null,
        span,
        spans: HashMap::new(),
        labels: HashMap::new(),
        related: HashMap::new(),
        resources: HashMap::new(),
    }
}

fn view(index: &Index, facts: &Facts, cert: &Certificate) -> Option<View> {
    let graph = index.graph();
    let resource = graph.get(cert.res)?;
    let mut v = empty_view(&resource.address, resource.lang, resource.span);
    v.unit = resource.unit;
    if resource.address.starts_with("module.") {
        v.context = graph
            .unit_labels
            .get(&resource.unit)
            .map(|l| format!("root {l}"));
    }
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
    if let Some(origin) = cert.method_origin {
        v.relate(
            "/certificate/validation_method",
            vec![Label::new(origin, "the value is set here")],
        );
    }
    let uses = facts.uses_of(cert.res);
    let served: Vec<Served> = uses.iter().filter_map(|u| index.served(u)).collect();
    let carriers: Vec<ResId> = served
        .iter()
        .flat_map(|s| s.carriers.iter().copied())
        .collect();
    certificate.insert(
        "names".into(),
        names(&mut v, index, cert, &carriers, resource.unit),
    );
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
    let usage = match usage(facts, cert) {
        "unused" if graph.truncated_units.contains(&resource.unit) => "unknown",
        other => other,
    };
    document.insert("usage".into(), json!(usage));
    let region = (
        cert.region.clone(),
        cert.region_span.unwrap_or(resource.span),
    );
    serving(&mut v, &mut document, index, uses, &served, &region);
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

/// A view for a certificate defined elsewhere (ARN literal, variable, parameter): the serving
/// rules still apply to the resources here that use it.
fn external_view(index: &Index, external: &ExternalCert) -> Option<View> {
    let graph = index.graph();
    let first = external.uses.first()?;
    let consumer = graph.get(first.consumer)?;
    let mut v = empty_view(&external.key, consumer.lang, first.span);
    v.unit = consumer.unit;
    let region = external.arn.as_deref().and_then(arn_region);
    let mut document = Map::new();
    document.insert("schema_version".into(), json!(SCHEMA_VERSION));
    document.insert(
        "certificate".into(),
        json!({
            "address": external.key,
            "origin": "external",
            "validation_method": "unknown",
            "validation_method_defaulted": false,
            "names": [],
            "names_complete": false,
            "exportable": false,
            "region": region.as_deref().unwrap_or("unknown"),
        }),
    );
    document.insert("usage".into(), json!("in-use"));
    let served: Vec<Served> = external
        .uses
        .iter()
        .filter_map(|u| index.served(u))
        .collect();
    serving(
        &mut v,
        &mut document,
        index,
        &external.uses,
        &served,
        &(region, first.span),
    );
    document.insert("exports".into(), json!([]));
    v.document = Value::Object(document);
    Some(v)
}

/// `arn:aws:acm:eu-west-1:123456789012:certificate/...` → `eu-west-1`.
fn arn_region(arn: &str) -> Option<String> {
    let mut parts = arn.split(':');
    let (Some("arn"), Some(_), Some("acm"), Some(region)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (!region.is_empty()).then(|| region.to_string())
}

/// The consumers, the plain-HTTP listeners beside them, and whether it is served on 443.
fn serving(
    v: &mut View,
    document: &mut Map<String, Value>,
    index: &Index,
    uses: &[CertUse],
    served: &[Served],
    region: &(Option<String>, Span),
) {
    let graph = index.graph();
    let address = |id: ResId| {
        graph
            .get(id)
            .map_or_else(String::new, |r| r.address.clone())
    };
    let mut consumers = Vec::new();
    for (i, (u, s)) in uses.iter().zip(served).enumerate() {
        let Some(r) = graph.get(u.consumer) else {
            continue;
        };
        let base = format!("/consumers/{i}");
        let attached = Label::new(u.span, "certificate attached here");
        let mut entry = json!({
            "address": r.address,
            "type": r.rtype,
            "kind": r.kind,
            "protocol": s.protocol.as_deref().unwrap_or("unknown"),
            "carries_certificate": s.carries,
            "requires_us_east_1": s.requires_us_east_1,
            "region_ok": region_ok(s, region.0.as_deref()),
        });
        if let Some(port) = s.port {
            entry["port"] = json!(port);
        }
        entry["internet_reachable"] = match s.reachable {
            Some(t) => json!(t),
            None => json!("not-judged"),
        };
        if let Some(reason) = &s.unreachable_reason {
            entry["unreachable_reason"] = json!(reason);
        }
        if let Some((res, _)) = s.unreachable {
            entry["unreachable_resource"] = json!(address(res));
        }
        v.index(&base, Some(u.span));
        v.resources.insert(base.clone(), r.address.clone());
        let carries = format!("{base}/carries_certificate");
        v.index(&carries, Some(s.protocol_span.unwrap_or(u.span)));
        v.labels.insert(
            carries.clone(),
            format!(
                "protocol {} cannot carry a certificate",
                s.protocol.as_deref().unwrap_or("?")
            ),
        );
        v.relate(&carries, vec![attached.clone()]);
        let reach = format!("{base}/internet_reachable");
        if let Some((res, span)) = s.unreachable {
            v.index(&reach, Some(span));
            v.resources.insert(reach.clone(), address(res));
            if let Some(reason) = &s.unreachable_reason {
                v.labels.insert(reach.clone(), reason.clone());
            }
            v.relate(&reach, vec![attached.clone()]);
        }
        let region_path = format!("{base}/region_ok");
        v.index(&region_path, Some(region.1));
        v.resources.insert(region_path.clone(), v.address.clone());
        v.labels.insert(
            region_path.clone(),
            format!(
                "certificate created in {}",
                region.0.as_deref().unwrap_or("another region")
            ),
        );
        v.relate(
            &region_path,
            vec![Label::new(
                u.span,
                format!(
                    "used by {} here: it needs a certificate in us-east-1",
                    r.rtype
                ),
            )],
        );
        consumers.push(entry);
    }
    document.insert("consumers".into(), Value::Array(consumers));
    let plain = index.plain_http(served);
    let mut listeners = Vec::new();
    for (i, p) in plain.iter().enumerate() {
        let path = format!("/plain_http_listeners/{i}");
        listeners.push(json!({
            "address": p.name,
            "load_balancer": address(p.load_balancer),
            "redirects_to_https": p.redirects,
        }));
        v.index(&path, Some(p.span));
        v.resources.insert(path.clone(), address(p.listener));
        v.labels
            .insert(path.clone(), "plain HTTP, no redirect to HTTPS".into());
        let https = uses
            .iter()
            .zip(served)
            .find(|(_, s)| s.load_balancer == Some(p.load_balancer))
            .map(|(u, _)| {
                Label::new(
                    u.span,
                    "the same load balancer serves the certificate over HTTPS here",
                )
            });
        v.relate(&path, https.into_iter().collect());
    }
    document.insert("plain_http_listeners".into(), Value::Array(listeners));
    served_on_443(v, document, uses, served, &address);
}

fn region_ok(s: &Served, region: Option<&str>) -> Tri {
    match (s.requires_us_east_1, region) {
        (false, _) => Tri::Yes,
        (true, None) => Tri::Unknown,
        (true, Some("us-east-1")) => Tri::Yes,
        (true, Some(_)) => Tri::No,
    }
}

/// `false` when every use is a TLS listener on a known port other than 443.
fn served_on_443(
    v: &mut View,
    document: &mut Map<String, Value>,
    uses: &[CertUse],
    served: &[Served],
    address: &dyn Fn(ResId) -> String,
) {
    let listeners: Vec<(&CertUse, &Served)> = uses
        .iter()
        .zip(served)
        .filter(|(_, s)| s.carries == Tri::Yes && s.load_balancer.is_some())
        .collect();
    let only_other = !served.is_empty()
        && listeners.len() == served.len()
        && listeners
            .iter()
            .all(|(_, s)| s.port.is_some_and(|p| p != 443));
    let verdict = if only_other {
        Tri::No
    } else if served.is_empty() {
        Tri::Unknown
    } else {
        Tri::Yes
    };
    document.insert("served_on_443".into(), json!(verdict));
    if let Some((u, s)) = listeners.first().filter(|_| only_other) {
        let ports: Vec<String> = listeners
            .iter()
            .filter_map(|(_, s)| s.port.map(|p| p.to_string()))
            .collect();
        document.insert("ports".into(), json!(ports.join(", ")));
        v.index("/served_on_443", Some(s.port_span.unwrap_or(u.span)));
        v.resources
            .insert("/served_on_443".into(), address(s.consumer));
        v.labels
            .insert("/served_on_443".into(), "served on this port only".into());
    }
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

fn names(
    v: &mut View,
    index: &Index,
    cert: &Certificate,
    carriers: &[ResId],
    unit: usize,
) -> Value {
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
        let routing_path = format!("/certificate/names/{i}/routing");
        let routing = match index.routing(&name.name, carriers, unit) {
            Some((verdict, zone_span)) => {
                v.relate(
                    &routing_path,
                    vec![Label::new(zone_span, "the hosted zone is managed here")],
                );
                v.labels.insert(
                    routing_path.clone(),
                    "not routed to the resource that serves the certificate".into(),
                );
                match verdict {
                    Tri::Yes => "routed",
                    Tri::No => "not-routed",
                    Tri::Unknown => "unknown",
                }
            }
            None => "unknown",
        };
        entry["routing"] = json!(routing);
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
