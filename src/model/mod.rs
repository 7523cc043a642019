//! Model: one resource graph for Terraform and CloudFormation.
//!
//! Each language's builder ([`terraform`], [`cloudformation`]) reads its syntax, resolves
//! references, and adds typed resources ([`Kind`], from the data table in [`mapping`]) and the
//! per-certificate facts that need the language's semantics (names, validation records).
//! [`facts`] then computes, language-neutrally, what needs the whole graph (who uses which
//! certificate), and [`view`] projects one small document per certificate for the rules.

pub mod cloudformation;
pub mod facts;
pub mod mapping;
pub mod pem;
pub mod serving;
pub mod terraform;
mod tf_acm_module;
mod tf_eval;
mod tf_functions;
pub mod view;

use crate::source::Span;
pub use mapping::{Field, Kind};

/// Index of a resource in [`Graph::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Terraform,
    CloudFormation,
}

/// A value as far as static analysis can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Unknown,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Val::Unknown)
    }

    /// Booleans as Terraform and CloudFormation write them (`true`, `"true"`).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Val::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A known string's text for display in interpolations.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Val::Num(n) => Some(n.to_string()),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A reference from an attribute to another resource, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref {
    pub target: ResId,
    /// The attribute referenced (`arn`, `dns_name`, `Arn`); `None` for the whole resource
    /// (Terraform object, CloudFormation `Ref`).
    pub attr: Option<String>,
}

/// One mapped attribute of a resource: where it is, what it evaluates to, what it references.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    pub field: Field,
    pub span: Span,
    pub value: Val,
    pub refs: Vec<Ref>,
    /// Some part could not be resolved (variable without value, parameter, import, data source).
    pub unresolved: bool,
    /// Which repeated block or list element this came from (listener blocks, settings...).
    pub group: usize,
}

/// A resource of either language, typed by the mapping table.
#[derive(Debug, Clone)]
pub struct Resource {
    pub id: ResId,
    /// `aws_lb.main`, `module.edge.aws_lb.main`, or a CloudFormation logical ID.
    pub address: String,
    /// `aws_lb` or `AWS::ElasticLoadBalancingV2::LoadBalancer`.
    pub rtype: String,
    pub kind: Kind,
    pub lang: Lang,
    /// The resource header (Terraform block labels, CloudFormation logical ID).
    pub span: Span,
    pub fields: Vec<FieldValue>,
    /// The deployment unit: one Terraform root with its modules, or one CloudFormation
    /// template. DNS routing is judged within a unit only.
    pub unit: usize,
}

impl Resource {
    pub fn fields(&self, field: Field) -> impl Iterator<Item = &FieldValue> {
        self.fields.iter().filter(move |f| f.field == field)
    }

    pub fn field(&self, field: Field) -> Option<&FieldValue> {
        self.fields(field).next()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertOrigin {
    AmazonIssued,
    Imported,
    Private,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Method {
    #[serde(rename = "DNS")]
    Dns,
    #[serde(rename = "EMAIL")]
    Email,
    #[serde(rename = "HTTP")]
    Http,
    /// Private and imported certificates are not validated.
    #[serde(rename = "none")]
    NotApplicable,
    #[serde(rename = "unknown")]
    Unknown,
}

/// Whether a validation CNAME exists for a name, as far as the configuration tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordStatus {
    Present,
    Missing,
    /// Created outside the configuration, or through something acmlint cannot follow.
    Unknown,
}

/// One name of a certificate (domain or SAN).
#[derive(Debug, Clone, PartialEq)]
pub struct CertName {
    pub name: String,
    pub span: Span,
    pub record: RecordStatus,
    /// Where the record (or the reason it is unknown) is, for a secondary label.
    pub record_span: Option<Span>,
}

/// Records built from one indexed entry of the validation options on a multi-name certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialValidation {
    pub covered: usize,
    pub needed: usize,
    pub record: String,
    pub span: Span,
}

/// What the language builders know about a certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub res: ResId,
    pub origin: CertOrigin,
    /// The attribute that decides the origin (`private_key`, `certificate_authority_arn`).
    pub origin_span: Option<Span>,
    pub method: Method,
    pub method_span: Option<Span>,
    /// CloudFormation's default (EMAIL) applied because `ValidationMethod` is absent.
    pub method_defaulted: bool,
    /// Where the method's value is written when it comes from a module call's argument.
    pub method_origin: Option<Span>,
    pub names: Vec<CertName>,
    /// Some names could not be evaluated.
    pub names_unknown: bool,
    pub partial: Option<PartialValidation>,
    pub exportable: bool,
    /// The region the certificate is created in, when the configuration pins it.
    pub region: Option<String>,
    pub region_span: Option<Span>,
    /// Expiry of an imported certificate whose PEM could be read (RFC 3339 date).
    pub expires: Option<String>,
}

/// A place where a certificate's ARN leaves the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub cert: ResId,
    pub what: String,
    pub span: Span,
}

/// The whole graph, both languages.
#[derive(Debug, Default)]
pub struct Graph {
    pub resources: Vec<Resource>,
    pub certificates: Vec<Certificate>,
    pub exports: Vec<Export>,
    /// Places where a certificate goes somewhere acmlint cannot follow (a remote module, a
    /// resource type it does not know): its use is unknown, never absent.
    pub opaque: Vec<Export>,
    /// What could not be resolved, for `--verbose`.
    pub unresolved: Vec<String>,
    /// How many deployment units have been added.
    pub units: usize,
    /// Units where an evaluation hit its depth limit: references may be lost there, so no
    /// certificate of theirs is called unused.
    pub truncated_units: std::collections::HashSet<usize>,
    /// What each unit is: a Terraform root's directory or a template's path.
    pub unit_labels: std::collections::HashMap<usize, String>,
}

impl Graph {
    pub fn add(&mut self, mut resource: Resource) -> ResId {
        let id = ResId(self.resources.len());
        resource.id = id;
        self.resources.push(resource);
        id
    }

    pub fn get(&self, id: ResId) -> Option<&Resource> {
        self.resources.get(id.0)
    }
}

/// `*.example.com` and `example.com` share one validation record.
pub fn validation_name(name: &str) -> &str {
    name.strip_prefix("*.").unwrap_or(name)
}
