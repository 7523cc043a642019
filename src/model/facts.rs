//! Facts that need the whole graph, computed once, language-neutrally: which resources use
//! which certificate, where a certificate's ARN leaves the configuration, where it goes
//! somewhere acmlint cannot follow.

use super::mapping::{self, Field, Kind};
use super::{Export, Graph, Ref, ResId};
use crate::source::Span;
use std::collections::HashMap;

/// How far `aws_acm_certificate_validation.x.certificate_arn` chains are followed.
const MAX_HOPS: usize = 4;

/// A resource that serves a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct CertUse {
    pub consumer: ResId,
    /// The attribute that attaches the certificate.
    pub span: Span,
    /// The block or list element of the attribute (which listener of a Classic ELB...).
    pub group: usize,
}

/// A certificate used here but defined elsewhere: an ARN literal, a variable, a parameter.
#[derive(Debug, Clone)]
pub struct ExternalCert {
    /// The ARN when it is known, else a description of where it comes from.
    pub key: String,
    pub arn: Option<String>,
    pub uses: Vec<CertUse>,
}

#[derive(Debug, Default)]
pub struct Facts {
    pub uses: HashMap<ResId, Vec<CertUse>>,
    pub external: Vec<ExternalCert>,
    pub exports: HashMap<ResId, Vec<Export>>,
    pub opaque: HashMap<ResId, Vec<Export>>,
}

impl Facts {
    pub fn uses_of(&self, cert: ResId) -> &[CertUse] {
        self.uses.get(&cert).map_or(&[], Vec::as_slice)
    }

    pub fn exports_of(&self, cert: ResId) -> &[Export] {
        self.exports.get(&cert).map_or(&[], Vec::as_slice)
    }

    pub fn opaque_of(&self, cert: ResId) -> &[Export] {
        self.opaque.get(&cert).map_or(&[], Vec::as_slice)
    }
}

pub fn compute(graph: &Graph) -> Facts {
    let mut facts = Facts::default();
    let mut external = Externals::default();
    for export in &graph.exports {
        for cert in certificates_of(graph, &[reference(export.cert)]) {
            facts.exports.entry(cert).or_default().push(Export {
                cert,
                ..export.clone()
            });
        }
    }
    for opaque in &graph.opaque {
        for cert in certificates_of(graph, &[reference(opaque.cert)]) {
            facts.opaque.entry(cert).or_default().push(Export {
                cert,
                ..opaque.clone()
            });
        }
    }
    for resource in &graph.resources {
        for field in &resource.fields {
            let certs = certificates_of(graph, &field.refs);
            let attaches = matches!(
                field.field,
                Field::CertificateArn | Field::RegionalCertificateArn
            ) && mapping::is_consumer(resource.kind);
            if certs.is_empty() {
                if attaches && !matches!(field.value, super::Val::Null) {
                    external.add(resource, field);
                }
                continue;
            }
            match (field.field, resource.kind) {
                (Field::CertificateArn | Field::RegionalCertificateArn, kind)
                    if mapping::is_consumer(kind) =>
                {
                    for cert in certs {
                        facts.uses.entry(cert).or_default().push(CertUse {
                            consumer: resource.id,
                            span: field.span,
                            group: field.group,
                        });
                    }
                }
                (Field::Value, Kind::SsmParameter) => {
                    for cert in certs {
                        facts.exports.entry(cert).or_default().push(Export {
                            cert,
                            what: format!("SSM parameter {}", resource.address),
                            span: field.span,
                        });
                    }
                }
                (Field::Mentions, _) => {
                    for cert in certs {
                        facts.opaque.entry(cert).or_default().push(Export {
                            cert,
                            what: format!("{} ({})", resource.address, resource.rtype),
                            span: field.span,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    facts.external = external.certs;
    facts
}

#[derive(Default)]
struct Externals {
    certs: Vec<ExternalCert>,
    by_key: HashMap<String, usize>,
}

impl Externals {
    fn add(&mut self, consumer: &super::Resource, field: &super::FieldValue) {
        let arns: Vec<String> = match &field.value {
            super::Val::Str(s) => vec![s.clone()],
            super::Val::List(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let keys: Vec<(String, Option<String>)> = if arns.is_empty() {
            vec![(format!("{} (not resolved)", consumer.address), None)]
        } else {
            arns.into_iter().map(|a| (a.clone(), Some(a))).collect()
        };
        for (key, arn) in keys {
            let use_ = CertUse {
                consumer: consumer.id,
                span: field.span,
                group: field.group,
            };
            match self.by_key.get(&key) {
                Some(&i) => self.certs[i].uses.push(use_),
                None => {
                    self.by_key.insert(key.clone(), self.certs.len());
                    self.certs.push(ExternalCert {
                        key,
                        arn,
                        uses: vec![use_],
                    });
                }
            }
        }
    }
}

fn reference(target: ResId) -> Ref {
    Ref { target, attr: None }
}

/// The certificates a set of references designates: a certificate's ARN or ID, or a
/// validation resource's `certificate_arn` (followed to its certificate).
pub fn certificates_of(graph: &Graph, refs: &[Ref]) -> Vec<ResId> {
    let mut out = Vec::new();
    collect(graph, refs, 0, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect(graph: &Graph, refs: &[Ref], hops: usize, out: &mut Vec<ResId>) {
    if hops > MAX_HOPS {
        return;
    }
    for r in refs {
        let Some(target) = graph.get(r.target) else {
            continue;
        };
        let attr = r.attr.as_deref();
        match target.kind {
            Kind::Certificate if matches!(attr, None | Some("arn" | "id" | "Arn" | "Id")) => {
                out.push(target.id);
            }
            Kind::CertificateValidation
                if matches!(attr, None | Some("certificate_arn" | "id")) =>
            {
                for field in target.fields(Field::CertificateArn) {
                    collect(graph, &field.refs, hops + 1, out);
                }
            }
            _ => {}
        }
    }
}
