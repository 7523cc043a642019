//! The registry module `terraform-aws-modules/acm/aws`, the most common way Terraform code
//! requests ACM certificates, modelled from its inputs when its source is not on disk: the
//! certificate it creates, the validation records it writes, and the outputs that carry the
//! certificate's ARN and validation options. Read at v6 of the module (its inputs
//! `domain_name`, `subject_alternative_names`, `validation_method`, `create_certificate`,
//! `create_route53_records`, `zone_id`, `zones`, `validation_record_fqdns`, `region`).

use super::terraform::Tf;
use super::tf_eval::Scope;
use super::{CertOrigin, Certificate, Method, RecordStatus, ResId, Val};
use crate::parse::hcl_ast::Block;

/// Is `source` the registry module or its GitHub repository?
pub(super) fn is_acm_module(source: &str) -> bool {
    let source = source
        .trim_start_matches("registry.terraform.io/")
        .trim_start_matches("git::");
    source == "terraform-aws-modules/acm/aws"
        || source.contains("github.com/terraform-aws-modules/terraform-aws-acm")
}

/// The resource attribute a module output stands for.
pub(super) fn output_attribute(output: &str) -> Option<&'static str> {
    match output {
        "acm_certificate_arn" => Some("arn"),
        "acm_certificate_domain_validation_options" | "validation_domains" => {
            Some("domain_validation_options")
        }
        _ => None,
    }
}

/// The certificate the module creates, unless `create_certificate` is known to be false.
pub(super) fn certificate(
    tf: &Tf,
    inst: usize,
    call: &Block,
    res: ResId,
    scope: &Scope,
) -> Option<Certificate> {
    let arg = |key: &str| super::terraform::non_null_attribute(tf, inst, &call.body, key, scope);
    let value = |key: &str| arg(key).map(|a| tf.ev(inst, &a.expr, scope).val);
    if value("create_certificate").and_then(|v| v.as_bool()) == Some(false) {
        return None;
    }
    let private = arg("private_authority_arn");
    let method = match (private, value("validation_method")) {
        (Some(_), _) => Method::NotApplicable,
        (None, Some(Val::Str(m))) if m.eq_ignore_ascii_case("DNS") => Method::Dns,
        (None, Some(Val::Str(m))) if m.eq_ignore_ascii_case("EMAIL") => Method::Email,
        _ => Method::Unknown,
    };
    let record = records(tf, inst, call, scope);
    let (names, names_unknown) =
        super::terraform::certificate_names(tf, inst, &call.body, record, scope);
    let (region, region_span) = match arg("region") {
        Some(a) => (
            tf.ev(inst, &a.expr, scope).val.as_str().map(str::to_string),
            Some(a.span),
        ),
        None => tf.call_provider_region(inst, call),
    };
    Some(Certificate {
        res,
        origin: if private.is_some() {
            CertOrigin::Private
        } else {
            CertOrigin::AmazonIssued
        },
        origin_span: private.map(|a| a.span),
        method,
        method_span: arg("validation_method")
            .map(|a| a.span)
            .or(Some(call.header_span)),
        method_defaulted: false,
        method_origin: None,
        names,
        names_unknown,
        partial: None,
        exportable: value("export").and_then(|v| v.as_bool()).unwrap_or(false),
        region,
        region_span,
        expires: None,
    })
}

/// The module writes one record per distinct name when `create_route53_records` is true (its
/// default) and a zone is given; otherwise the records are made elsewhere: unknown.
fn records(tf: &Tf, inst: usize, call: &Block, scope: &Scope) -> RecordStatus {
    let value = |key: &str| {
        call.body
            .attribute(key)
            .map(|a| tf.ev(inst, &a.expr, scope).val)
    };
    let creates = value("create_route53_records").map_or(Some(true), |v| v.as_bool());
    // The module's own defaults are `zone_id = ""` and `zones = {}`: no zone.
    let names_a_zone = |key: &str| match value(key) {
        None | Some(Val::Null) => false,
        Some(Val::Str(s)) => !s.is_empty(),
        Some(Val::Map(m)) => !m.is_empty(),
        Some(_) => true,
    };
    let has_zone = names_a_zone("zone_id") || names_a_zone("zones");
    match creates {
        Some(true) if has_zone => RecordStatus::Present,
        _ => RecordStatus::Unknown,
    }
}
