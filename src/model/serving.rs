//! Serving facts: how each resource that uses a certificate serves it (protocol, port,
//! reachability from the internet, the region it needs), which plain-HTTP listeners share its
//! load balancers, and whether DNS routes each name to it. Language-neutral: computed from the
//! mapped fields of the graph, once per use, with indexes built once (no joins over all pairs).

use super::facts::CertUse;
use super::mapping::{Field, Kind};
use super::{FieldValue, Graph, ResId, Resource, Val};
use crate::source::Span;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Three-valued: unknown is never a finding. Serialised as `"yes"`, `"no"`, `"unknown"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Serialize for Tri {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Strings, not booleans: Guard compares typed values, and a policy must be able to
        // write `!= "no"` whatever the value.
        s.serialize_str(match self {
            Tri::Yes => "yes",
            Tri::No => "no",
            Tri::Unknown => "unknown",
        })
    }
}

/// What a use of a certificate looks like from outside.
#[derive(Debug, Clone)]
pub struct Served {
    pub consumer: ResId,
    pub protocol: Option<String>,
    pub protocol_span: Option<Span>,
    pub port: Option<u32>,
    pub port_span: Option<Span>,
    pub carries: Tri,
    /// `None`: not judged (served on another port: ACM002 reports that).
    pub reachable: Option<Tri>,
    pub unreachable_reason: Option<String>,
    /// The resource that is unreachable and the attribute that makes it so.
    pub unreachable: Option<(ResId, Span)>,
    pub requires_us_east_1: bool,
    /// Resources DNS must route a name to for this use.
    pub carriers: Vec<ResId>,
    pub load_balancer: Option<ResId>,
}

/// A plain-HTTP listener on a load balancer that serves a certificate.
#[derive(Debug, Clone)]
pub struct PlainHttp {
    pub listener: ResId,
    /// How to name it in a message (a Classic ELB's listeners have no address of their own).
    pub name: String,
    pub load_balancer: ResId,
    pub redirects: Tri,
    pub span: Span,
}

/// Indexes over the graph built once per run.
pub struct Index<'g> {
    graph: &'g Graph,
    listeners_by_lb: HashMap<ResId, Vec<ResId>>,
    ingress_by_sg: HashMap<ResId, Vec<Ingress>>,
    zones: Vec<(ResId, String, usize)>,
    records: Vec<Record>,
}

#[derive(Debug, Clone, Default)]
struct Ingress {
    cidrs: Vec<Val>,
    from: Option<Val>,
    to: Option<Val>,
    protocol: Option<Val>,
    unknown: bool,
}

#[derive(Debug, Clone)]
struct Record {
    unit: usize,
    /// Fully qualified, lower case, no trailing dot; `None` when unknown.
    name: Option<String>,
    rtype: Option<String>,
    targets: Vec<ResId>,
    values: Vec<String>,
    unknown_target: bool,
    zone: ZoneRef,
}

#[derive(Debug, Clone, PartialEq)]
enum ZoneRef {
    Resource(ResId),
    Name(String),
    Unknown,
}

/// The hosted zone a record (or a SAM `Domain.Route53`) names; `None` when it names none.
fn zone_of(r: &Resource) -> Option<ZoneRef> {
    let by_id = r.field(Field::Zone);
    match (
        by_id.and_then(|z| z.refs.first()),
        text(r.field(Field::ZoneName)),
    ) {
        (Some(zone), _) => Some(ZoneRef::Resource(zone.target)),
        (None, Some(name)) => Some(ZoneRef::Name(norm(&name))),
        (None, None) => by_id.map(|_| ZoneRef::Unknown),
    }
}

fn text(field: Option<&FieldValue>) -> Option<String> {
    field.and_then(|f| f.value.to_text())
}

fn norm(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl<'g> Index<'g> {
    pub fn new(graph: &'g Graph) -> Index<'g> {
        let mut index = Index {
            graph,
            listeners_by_lb: HashMap::new(),
            ingress_by_sg: HashMap::new(),
            zones: Vec::new(),
            records: Vec::new(),
        };
        for r in &graph.resources {
            match r.kind {
                Kind::Listener => {
                    for lb in r.fields(Field::LoadBalancer).flat_map(|f| &f.refs) {
                        index
                            .listeners_by_lb
                            .entry(lb.target)
                            .or_default()
                            .push(r.id);
                    }
                }
                Kind::SecurityGroup => {
                    let entries = ingress_groups(r);
                    index.ingress_by_sg.entry(r.id).or_default().extend(entries);
                }
                Kind::SecurityGroupRule => index.add_rule(r),
                // A private hosted zone says nothing about public DNS.
                Kind::DnsZone if r.field(Field::Vpc).is_some() => {}
                Kind::DnsZone => {
                    if let Some(name) = text(r.field(Field::Name)) {
                        index.zones.push((r.id, norm(&name), r.unit));
                    }
                }
                Kind::DnsRecord => index.add_records(r),
                Kind::SamApi => index.add_sam_route(r),
                _ => {}
            }
        }
        index
    }

    fn add_rule(&mut self, r: &Resource) {
        let rule_type = text(r.field(Field::RuleType));
        if rule_type.as_deref().is_some_and(|t| t != "ingress") {
            return;
        }
        let entry = ingress_of(r.fields.iter());
        for sg in r.fields(Field::SecurityGroup).flat_map(|f| &f.refs) {
            self.ingress_by_sg
                .entry(sg.target)
                .or_default()
                .push(entry.clone());
        }
    }

    fn add_records(&mut self, r: &Resource) {
        let zone = zone_of(r).unwrap_or(ZoneRef::Unknown);
        // One record per `Name` (a RecordSetGroup has several, one per list element); a
        // record's other fields are those of the same element, or all of them for group 0.
        for name_field in r.fields(Field::Name) {
            let group = name_field.group;
            let belongs = |f: &&FieldValue| group == 0 || f.group == group;
            let in_group = |field: Field| r.fields(field).find(belongs);
            // Validation records (built from domain_validation_options) route nothing.
            if name_field
                .refs
                .iter()
                .any(|x| x.attr.as_deref() == Some("domain_validation_options"))
                || name_field
                    .value
                    .as_str()
                    .is_some_and(|n| n.starts_with('_'))
            {
                continue;
            }
            let mut targets = Vec::new();
            let mut values = Vec::new();
            let mut unknown_target = false;
            for field in r
                .fields
                .iter()
                .filter(belongs)
                .filter(|f| matches!(f.field, Field::AliasTarget | Field::Records))
            {
                targets.extend(field.refs.iter().map(|x| x.target));
                match &field.value {
                    Val::Str(s) => values.push(norm(s)),
                    Val::List(items) => {
                        values.extend(items.iter().filter_map(Val::to_text).map(|s| norm(&s)))
                    }
                    _ if field.refs.is_empty() => unknown_target = true,
                    _ => {}
                }
            }
            self.records.push(Record {
                unit: r.unit,
                name: name_field.value.as_str().map(norm),
                rtype: text(in_group(Field::RecordType)).map(|t| t.to_ascii_uppercase()),
                targets,
                values,
                unknown_target,
                zone: zone.clone(),
            });
        }
    }

    /// SAM `Domain.Route53` creates the alias record for the API's domain.
    fn add_sam_route(&mut self, r: &Resource) {
        let Some(zone) = zone_of(r) else {
            return;
        };
        let Some(domain) = r.field(Field::DomainName) else {
            return;
        };
        self.records.push(Record {
            unit: r.unit,
            name: domain.value.as_str().map(norm),
            rtype: Some("A".into()),
            targets: vec![r.id],
            values: Vec::new(),
            unknown_target: false,
            zone,
        });
    }

    pub fn graph(&self) -> &'g Graph {
        self.graph
    }

    /// How one use serves the certificate.
    pub fn served(&self, u: &CertUse) -> Option<Served> {
        let consumer = self.graph.get(u.consumer)?;
        let mut s = Served {
            consumer: consumer.id,
            protocol: None,
            protocol_span: None,
            port: None,
            port_span: None,
            carries: Tri::Yes,
            reachable: Some(Tri::Unknown),
            unreachable_reason: None,
            unreachable: None,
            requires_us_east_1: false,
            carriers: vec![consumer.id],
            load_balancer: None,
        };
        match consumer.kind {
            Kind::Listener => self.listener(&mut s, consumer),
            Kind::ListenerCertificate => {
                let listener = consumer
                    .fields(Field::Listener)
                    .flat_map(|f| &f.refs)
                    .filter_map(|x| self.graph.get(x.target))
                    .find(|l| l.kind == Kind::Listener);
                match listener {
                    Some(l) => self.listener(&mut s, l),
                    None => {
                        s.carries = Tri::Unknown;
                        s.carriers.clear();
                    }
                }
            }
            Kind::ClassicLoadBalancer => self.classic(&mut s, consumer, u.group),
            Kind::Distribution | Kind::DistributionTenant => {
                s.reachable = Some(Tri::Yes);
                s.requires_us_east_1 = true;
            }
            Kind::UserPoolDomain | Kind::AppSyncDomain | Kind::AmplifyDomain => {
                s.reachable = Some(Tri::Yes);
                s.requires_us_east_1 = true;
            }
            Kind::ApiDomain | Kind::ApiDomainV2 | Kind::SamApi => self.api(&mut s, consumer, u),
            Kind::SearchDomain => {
                if let Some(vpc) = consumer.field(Field::Vpc) {
                    self.unreachable(
                        &mut s,
                        consumer.id,
                        vpc.span,
                        "the OpenSearch domain is inside a VPC",
                    );
                }
            }
            Kind::TransferServer => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "Transfer Family serves FTPS, not HTTPS",
            ),
            Kind::IotDomain => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "an IoT Core domain is not an HTTPS endpoint ACM can probe",
            ),
            Kind::ClientVpn => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "a Client VPN endpoint is not an HTTPS endpoint",
            ),
            Kind::LatticeService => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "a VPC Lattice service is reachable only from inside VPCs",
            ),
            Kind::VerifiedAccessEndpoint => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "a Verified Access endpoint answers only authenticated users",
            ),
            Kind::FirewallTlsInspection => self.unreachable(
                &mut s,
                consumer.id,
                u.span,
                "Network Firewall TLS inspection is not an HTTPS endpoint",
            ),
            _ => {}
        }
        Some(s)
    }

    fn unreachable(&self, s: &mut Served, res: ResId, span: Span, reason: &str) {
        s.reachable = Some(Tri::No);
        s.unreachable_reason = Some(reason.to_string());
        s.unreachable = Some((res, span));
    }

    fn listener(&self, s: &mut Served, listener: &Resource) {
        let protocol = listener.field(Field::Protocol);
        let port = listener.field(Field::Port);
        self.protocol_and_port(s, protocol, port, &["HTTPS", "TLS"]);
        let lb = listener
            .fields(Field::LoadBalancer)
            .flat_map(|f| &f.refs)
            .filter_map(|x| self.graph.get(x.target))
            .find(|r| r.kind == Kind::LoadBalancer);
        s.carriers.clear();
        match lb {
            Some(lb) => {
                s.load_balancer = Some(lb.id);
                s.carriers.push(lb.id);
                if s.reachable == Some(Tri::Unknown) {
                    self.load_balancer_reach(s, lb);
                }
            }
            None => s.reachable = s.reachable.map(|_| Tri::Unknown),
        }
    }

    fn classic(&self, s: &mut Served, lb: &Resource, group: usize) {
        let protocol = lb.fields(Field::Protocol).find(|f| f.group == group);
        let port = lb.fields(Field::Port).find(|f| f.group == group);
        self.protocol_and_port(s, protocol, port, &["HTTPS", "SSL"]);
        s.load_balancer = Some(lb.id);
        if s.reachable == Some(Tri::Unknown) {
            self.load_balancer_reach(s, lb);
        }
    }

    fn protocol_and_port(
        &self,
        s: &mut Served,
        protocol: Option<&FieldValue>,
        port: Option<&FieldValue>,
        tls: &[&str],
    ) {
        s.protocol = text(protocol).map(|p| p.to_ascii_uppercase());
        s.protocol_span = protocol.map(|p| p.span);
        s.port = port.and_then(|p| p.value.as_f64()).map(|p| p as u32);
        s.port_span = port.map(|p| p.span);
        s.carries = match s.protocol.as_deref() {
            Some(p) if tls.contains(&p) => Tri::Yes,
            Some("HTTP" | "TCP" | "UDP" | "TCP_UDP" | "GENEVE") => Tri::No,
            _ => Tri::Unknown,
        };
        // Served on another port: ACM002 reports it, reachability is not judged.
        if s.port.is_some_and(|p| p != 443) || s.carries == Tri::No {
            s.reachable = None;
        }
    }

    fn load_balancer_reach(&self, s: &mut Served, lb: &Resource) {
        let internal = lb
            .field(Field::Internal)
            .and_then(|f| f.value.as_bool().map(|b| (b, f.span)));
        let scheme = lb.field(Field::Scheme).and_then(|f| {
            f.value
                .as_str()
                .map(|v| (v.eq_ignore_ascii_case("internal"), f.span))
        });
        if let Some((true, span)) = internal.or(scheme) {
            self.unreachable(s, lb.id, span, "the load balancer is internal");
            return;
        }
        let Some(groups) = lb.field(Field::SecurityGroups) else {
            let lb_type = text(lb.field(Field::LoadBalancerType)).map(|t| t.to_ascii_lowercase());
            // A network load balancer without security groups admits everything; others get
            // the VPC's default group, which is not in the configuration.
            s.reachable = Some(match (lb.kind, lb_type.as_deref()) {
                (Kind::LoadBalancer, Some("network")) => Tri::Yes,
                _ => Tri::Unknown,
            });
            return;
        };
        let known = !groups.unresolved
            && !groups.refs.is_empty()
            && groups.refs.iter().all(|x| {
                self.graph
                    .get(x.target)
                    .is_some_and(|r| r.kind == Kind::SecurityGroup)
            })
            && !literal_ids(&groups.value);
        if !known {
            s.reachable = Some(Tri::Unknown);
            return;
        }
        let verdicts: Vec<Tri> = groups
            .refs
            .iter()
            .map(|x| admits_https(self.ingress_by_sg.get(&x.target).map_or(&[], Vec::as_slice)))
            .collect();
        s.reachable = Some(if verdicts.contains(&Tri::Yes) {
            Tri::Yes
        } else if verdicts.contains(&Tri::Unknown) {
            Tri::Unknown
        } else {
            self.unreachable(
                s,
                lb.id,
                groups.span,
                "no security group of the load balancer admits TCP 443 from 0.0.0.0/0 or ::/0",
            );
            Tri::No
        });
    }

    fn api(&self, s: &mut Served, api: &Resource, u: &CertUse) {
        let endpoint = api
            .field(Field::EndpointType)
            .map(|f| (f.value.clone(), f.span));
        let types: Vec<String> = match endpoint.as_ref().map(|(v, _)| v) {
            Some(Val::List(items)) => items.iter().filter_map(Val::to_text).collect(),
            Some(Val::Str(t)) => vec![t.clone()],
            Some(Val::Map(_)) | Some(_) => vec!["?".into()],
            None => Vec::new(),
        };
        let upper: Vec<String> = types.iter().map(|t| t.to_ascii_uppercase()).collect();
        s.reachable = Some(Tri::Yes);
        if upper.iter().any(|t| t == "PRIVATE") {
            let span = endpoint.map_or(u.span, |(_, sp)| sp);
            self.unreachable(s, api.id, span, "the API Gateway domain is private");
        }
        let regional_attr = api
            .fields(Field::RegionalCertificateArn)
            .any(|f| f.span == u.span);
        s.requires_us_east_1 = match api.kind {
            Kind::ApiDomain => {
                !regional_attr && (upper.is_empty() || upper.iter().any(|t| t == "EDGE"))
            }
            Kind::SamApi => upper.iter().any(|t| t == "EDGE"),
            _ => false,
        };
    }

    /// HTTP listeners without a redirect to HTTPS on the load balancers of these uses.
    pub fn plain_http(&self, served: &[Served]) -> Vec<PlainHttp> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for lb in served
            .iter()
            .filter(|s| s.carries == Tri::Yes)
            .filter_map(|s| s.load_balancer)
        {
            if !seen.insert(lb) {
                continue;
            }
            let Some(lb_res) = self.graph.get(lb) else {
                continue;
            };
            if lb_res.kind == Kind::ClassicLoadBalancer {
                out.extend(self.classic_plain_http(lb_res));
                continue;
            }
            for listener in self.listeners_by_lb.get(&lb).into_iter().flatten() {
                let Some(l) = self.graph.get(*listener) else {
                    continue;
                };
                let Some(protocol) = l.field(Field::Protocol) else {
                    continue;
                };
                let is_http = protocol
                    .value
                    .as_str()
                    .is_some_and(|p| p.eq_ignore_ascii_case("HTTP"));
                // A plain listener holding a certificate is reported as such (error) already.
                if !is_http || l.field(Field::CertificateArn).is_some() {
                    continue;
                }
                out.push(PlainHttp {
                    listener: l.id,
                    name: l.address.clone(),
                    load_balancer: lb,
                    redirects: redirects_to_https(l),
                    span: protocol.span,
                });
            }
        }
        out
    }

    /// A Classic ELB cannot redirect: an HTTP listener beside an HTTPS one serves plain HTTP.
    fn classic_plain_http(&self, lb: &Resource) -> Vec<PlainHttp> {
        lb.fields(Field::Protocol)
            .filter(|f| {
                f.value
                    .as_str()
                    .is_some_and(|p| p.eq_ignore_ascii_case("HTTP"))
            })
            .map(|f| PlainHttp {
                listener: lb.id,
                name: match lb
                    .fields(Field::Port)
                    .find(|p| p.group == f.group)
                    .and_then(|p| p.value.to_text())
                {
                    Some(port) => format!("the HTTP listener on port {port}"),
                    None => "an HTTP listener".to_string(),
                },
                load_balancer: lb.id,
                redirects: Tri::No,
                span: f.span,
            })
            .collect()
    }

    /// Whether DNS routes `name` to one of `carriers`: `Some(span of the zone)` with the verdict
    /// when the name's hosted zone is managed here; `None` when it is not (unknown).
    pub fn routing(&self, name: &str, carriers: &[ResId], unit: usize) -> Option<(Tri, Span)> {
        let name = norm(name);
        if name.starts_with("*.") || carriers.is_empty() {
            return None;
        }
        let (zone, zone_name, _) = self
            .zones
            .iter()
            .filter(|(_, z, u)| *u == unit && (name == *z || name.ends_with(&format!(".{z}"))))
            .max_by_key(|(_, z, _)| z.len())?;
        let zone_span = self.graph.get(*zone)?.span;
        let in_zone: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| r.unit == unit)
            .filter(|r| match &r.zone {
                ZoneRef::Resource(z) => z == zone,
                ZoneRef::Name(n) => n == zone_name,
                ZoneRef::Unknown => true,
            })
            .collect();
        let full = |r: &Record| -> Option<String> {
            let n = r.name.as_deref()?;
            Some(if n.is_empty() || n == "@" {
                zone_name.clone()
            } else if n == zone_name || n.ends_with(&format!(".{zone_name}")) {
                n.to_string()
            } else {
                format!("{n}.{zone_name}")
            })
        };
        let mut routed: HashSet<String> = HashSet::new();
        let mut unknown: HashSet<String> = HashSet::new();
        let mut any_unknown_name = false;
        // Fixed point: CNAMEs chained to routed names are routed too.
        for _ in 0..8 {
            let before = routed.len();
            for r in &in_zone {
                let Some(n) = full(r) else {
                    any_unknown_name |= r.zone != ZoneRef::Unknown;
                    continue;
                };
                let to_carrier = r.targets.iter().any(|t| carriers.contains(t));
                let to_routed = r.values.iter().any(|v| routed.contains(v));
                let is_routing_type = r
                    .rtype
                    .as_deref()
                    .is_none_or(|t| matches!(t, "A" | "AAAA" | "CNAME"));
                if is_routing_type && (to_carrier || to_routed) {
                    routed.insert(n);
                } else if r.unknown_target || (r.rtype.is_none() && r.zone == ZoneRef::Unknown) {
                    unknown.insert(n);
                }
            }
            if routed.len() == before {
                break;
            }
        }
        let verdict = if routed.contains(&name) {
            Tri::Yes
        } else if unknown.contains(&name) || any_unknown_name {
            Tri::Unknown
        } else {
            Tri::No
        };
        Some((verdict, zone_span))
    }
}

fn literal_ids(val: &Val) -> bool {
    match val {
        Val::List(items) => items.iter().any(|v| v.as_str().is_some()),
        Val::Str(_) => true,
        _ => false,
    }
}

fn redirects_to_https(listener: &Resource) -> Tri {
    let actions: Vec<&FieldValue> = listener.fields(Field::ActionType).collect();
    if actions.is_empty() {
        return Tri::Unknown;
    }
    let mut verdict = Tri::No;
    for action in actions {
        match action
            .value
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("redirect") => {
                let protocol = listener
                    .fields(Field::RedirectProtocol)
                    .find(|f| f.group == action.group);
                // Without a protocol the redirect keeps the request's (`#{protocol}`): HTTP.
                match protocol.map(|p| &p.value) {
                    Some(Val::Str(p)) if p.eq_ignore_ascii_case("HTTPS") => return Tri::Yes,
                    Some(Val::Str(_)) | None => {}
                    Some(_) => verdict = Tri::Unknown,
                }
            }
            Some(_) => {}
            None => verdict = Tri::Unknown,
        }
    }
    verdict
}

/// Ingress entries of a security group's inline rules, one per block or list element.
fn ingress_groups(sg: &Resource) -> Vec<Ingress> {
    let mut groups: Vec<usize> = sg
        .fields
        .iter()
        .filter(|f| {
            matches!(
                f.field,
                Field::CidrV4 | Field::CidrV6 | Field::FromPort | Field::ToPort | Field::IpProtocol
            )
        })
        .map(|f| f.group)
        .collect();
    groups.sort_unstable();
    groups.dedup();
    groups
        .into_iter()
        .map(|g| ingress_of(sg.fields.iter().filter(|f| f.group == g)))
        .collect()
}

fn ingress_of<'a>(fields: impl Iterator<Item = &'a FieldValue>) -> Ingress {
    let mut entry = Ingress::default();
    for f in fields {
        entry.unknown |= f.unresolved;
        match f.field {
            Field::CidrV4 | Field::CidrV6 => match &f.value {
                Val::List(items) => entry.cidrs.extend(items.iter().cloned()),
                other => entry.cidrs.push(other.clone()),
            },
            Field::FromPort => entry.from = Some(f.value.clone()),
            Field::ToPort => entry.to = Some(f.value.clone()),
            Field::IpProtocol => entry.protocol = Some(f.value.clone()),
            _ => {}
        }
    }
    entry
}

/// Whether any of these ingress entries admits TCP 443 from the whole internet.
fn admits_https(entries: &[Ingress]) -> Tri {
    let mut verdict = Tri::No;
    for e in entries {
        match admits(e) {
            Tri::Yes => return Tri::Yes,
            Tri::Unknown => verdict = Tri::Unknown,
            Tri::No => {}
        }
    }
    verdict
}

fn admits(e: &Ingress) -> Tri {
    if e.unknown {
        return Tri::Unknown;
    }
    let open = e.cidrs.iter().map(|c| match c.as_str() {
        Some("0.0.0.0/0" | "::/0") => Tri::Yes,
        Some(_) => Tri::No,
        None => Tri::Unknown,
    });
    let from_anywhere = open.fold(Tri::No, |acc, t| match (acc, t) {
        (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
        (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
        _ => Tri::No,
    });
    let protocol = e
        .protocol
        .as_ref()
        .and_then(Val::to_text)
        .map(|p| p.to_ascii_lowercase());
    let all_ports = matches!(protocol.as_deref(), Some("-1" | "all"));
    let port_ok = if all_ports {
        Tri::Yes
    } else if matches!(protocol.as_deref(), Some("tcp" | "6")) {
        match (
            e.from.as_ref().and_then(Val::as_f64),
            e.to.as_ref().and_then(Val::as_f64),
        ) {
            (Some(from), Some(to)) if (from <= 443.0 && 443.0 <= to) || from < 0.0 => Tri::Yes,
            (Some(_), Some(_)) => Tri::No,
            _ => Tri::Unknown,
        }
    } else if protocol.is_some() {
        Tri::No
    } else {
        Tri::Unknown
    };
    match (from_anywhere, port_ok) {
        (Tri::Yes, Tri::Yes) => Tri::Yes,
        (Tri::No, _) | (_, Tri::No) => Tri::No,
        _ => Tri::Unknown,
    }
}
