//! The Terraform syntax the model reads: blocks, attributes and expressions, each with its span.
//!
//! [`super::hcl`] converts hcl-edit's tree into this one, so that hcl-edit's types (which change
//! between releases) stay behind one module and the model works on a small, stable shape.

use crate::source::Span;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    pub expr: Expr,
    /// The whole `key = expr`.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    pub body: Body,
    /// From the identifier to the closing brace.
    pub span: Span,
    /// The identifier and labels, e.g. `resource "aws_lb" "main"`.
    pub header_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string without interpolation (quoted or heredoc).
    String(String),
    /// A string with interpolations or directives.
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A bare name: `var`, `local`, `aws_lb`, `each`, `count`, a `for` variable...
    Variable(String),
    /// `base.attr[0].*.x` and friends; `base` is usually a [`ExprKind::Variable`].
    Traversal {
        base: Box<Expr>,
        ops: Vec<TraversalOp>,
    },
    FuncCall {
        name: String,
        args: Vec<Expr>,
        /// `f(list...)`
        expand_final: bool,
    },
    Conditional {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    For(Box<ForExpr>),
    Unary {
        op: String,
        expr: Box<Expr>,
    },
    Binary {
        op: String,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// `%{if}` / `%{for}` directives: the expressions inside, kept for reference tracking.
    Directive(Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKey {
    Ident(String),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TraversalOp {
    /// `.name`
    Attr(String),
    /// `[expr]`
    Index(Expr),
    /// `.0` (legacy index)
    LegacyIndex(u64),
    /// `.*`
    AttrSplat,
    /// `[*]`
    FullSplat,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// `Some` for an object `for` (`{for k, v in x : k => v}`).
    pub key_expr: Option<Expr>,
    pub value_expr: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value in an object `for`.
    pub grouping: bool,
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            _ => None,
        }
    }
}

impl Body {
    pub fn attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    pub fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }
}
