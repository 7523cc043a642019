//! Evidence: what ACM itself says about the account's certificates, read offline from the JSON
//! the AWS CLI prints (`aws acm describe-certificate`, `aws acm list-certificates`).
//!
//! [`load`] reads the files into one [`Evidence`] per certificate ARN (a describe and a list
//! entry of the same certificate are merged). Still to come (issue 10): joining them to the
//! certificates of the code, facts in the views, and the Guard rules ACM009 and after.
//! Nothing here uses the network.
//!
//! The serde types mirror the ACM API reference (`CertificateDetail`, `RenewalSummary`,
//! `DomainValidation`, `ResourceRecord`, `CertificateSummary`): field names are the API's, and
//! enumerations stay strings so that a value added by AWS later is read, not rejected.

pub mod load;
pub mod time;

pub use load::{load, load_into};
pub use time::Timestamp;

use crate::source::Span;
use serde::Deserialize;

/// `aws acm describe-certificate` prints `{"Certificate": {...}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCertificateOutput {
    pub certificate: CertificateDetail,
}

/// `aws acm list-certificates` prints `{"CertificateSummaryList": [...], "NextToken": ...}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListCertificatesOutput {
    pub certificate_summary_list: Vec<CertificateSummary>,
}

/// The fields of `CertificateDetail` acmlint uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateDetail {
    pub certificate_arn: Option<String>,
    pub domain_name: Option<String>,
    #[serde(default)]
    pub subject_alternative_names: Vec<String>,
    #[serde(default)]
    pub domain_validation_options: Vec<DomainValidation>,
    pub serial: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    /// `PENDING_VALIDATION`, `ISSUED`, `INACTIVE`, `EXPIRED`, `VALIDATION_TIMED_OUT`,
    /// `REVOKED`, `FAILED`.
    pub status: Option<String>,
    pub not_before: Option<Timestamp>,
    pub not_after: Option<Timestamp>,
    pub imported_at: Option<Timestamp>,
    /// ARNs of the AWS resources that use the certificate; absent means not said.
    pub in_use_by: Option<Vec<String>>,
    /// Why the request failed (`FailureReason`, same values as `RenewalStatusReason`).
    pub failure_reason: Option<String>,
    /// `IMPORTED`, `AMAZON_ISSUED`, `PRIVATE`.
    #[serde(rename = "Type")]
    pub cert_type: Option<String>,
    pub renewal_summary: Option<RenewalSummary>,
    /// `ELIGIBLE`, `INELIGIBLE`.
    pub renewal_eligibility: Option<String>,
}

/// `RenewalSummary`: present only for `AMAZON_ISSUED` certificates ACM has tried to renew.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RenewalSummary {
    /// `PENDING_AUTO_RENEWAL`, `PENDING_VALIDATION`, `SUCCESS`, `FAILED`.
    pub renewal_status: Option<String>,
    #[serde(default)]
    pub domain_validation_options: Vec<DomainValidation>,
    /// `NO_AVAILABLE_CONTACTS`, `ADDITIONAL_VERIFICATION_REQUIRED`, `DOMAIN_NOT_ALLOWED`,
    /// `INVALID_PUBLIC_DOMAIN`, `DOMAIN_VALIDATION_DENIED`, `CAA_ERROR`, `PCA_...`,
    /// `SLR_NOT_FOUND`, `OTHER`.
    pub renewal_status_reason: Option<String>,
    pub updated_at: Option<Timestamp>,
}

/// `DomainValidation`: the validation of one name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainValidation {
    pub domain_name: Option<String>,
    #[serde(default)]
    pub validation_emails: Vec<String>,
    pub validation_domain: Option<String>,
    /// `PENDING_VALIDATION`, `SUCCESS`, `FAILED`.
    pub validation_status: Option<String>,
    pub resource_record: Option<ResourceRecord>,
    /// `EMAIL`, `DNS`, `HTTP`.
    pub validation_method: Option<String>,
}

/// `ResourceRecord`: the CNAME ACM looks up to validate a name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRecord {
    pub name: String,
    #[serde(rename = "Type")]
    pub record_type: String,
    pub value: String,
}

/// The fields of `CertificateSummary` (one entry of `list-certificates`) acmlint uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateSummary {
    pub certificate_arn: Option<String>,
    pub domain_name: Option<String>,
    /// The first 100 names only (domain included): see `has_additional_...`.
    #[serde(default)]
    pub subject_alternative_name_summaries: Vec<String>,
    pub has_additional_subject_alternative_names: Option<bool>,
    pub status: Option<String>,
    #[serde(rename = "Type")]
    pub cert_type: Option<String>,
    pub in_use: Option<bool>,
    pub renewal_eligibility: Option<String>,
    pub not_before: Option<Timestamp>,
    pub not_after: Option<Timestamp>,
    pub imported_at: Option<Timestamp>,
}

/// Where a certificate's record is in an evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The record's object in the [`crate::source::SourceMap`] the file was loaded into.
    pub span: Span,
}

/// One ACM certificate as the evidence files describe it: its `describe-certificate` detail,
/// its `list-certificates` summary, or both.
#[derive(Debug, Clone)]
pub struct Evidence {
    pub arn: String,
    pub detail: Option<CertificateDetail>,
    pub summary: Option<CertificateSummary>,
    /// The detail's record when there is one, else the summary's.
    pub location: Location,
}

impl Evidence {
    /// The region in the ARN (`arn:aws:acm:eu-west-1:...`).
    pub fn region(&self) -> Option<&str> {
        arn_region(&self.arn)
    }

    /// The domain name, then the SANs, each once (case-insensitively), as ACM prints them.
    pub fn names(&self) -> Vec<String> {
        let (domain, sans): (Option<&String>, &[String]) = match (&self.detail, &self.summary) {
            (Some(d), _) => (d.domain_name.as_ref(), &d.subject_alternative_names),
            (None, Some(s)) => (
                s.domain_name.as_ref(),
                &s.subject_alternative_name_summaries,
            ),
            (None, None) => (None, &[]),
        };
        let mut out: Vec<String> = Vec::new();
        for name in domain.into_iter().chain(sans.iter()) {
            if !out.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                out.push(name.clone());
            }
        }
        out
    }

    /// Whether [`Evidence::names`] is every name: a summary lists at most 100.
    pub fn names_complete(&self) -> bool {
        self.detail.is_some()
            || self
                .summary
                .as_ref()
                .is_some_and(|s| s.has_additional_subject_alternative_names != Some(true))
    }

    pub fn status(&self) -> Option<&str> {
        self.detail
            .as_ref()
            .and_then(|d| d.status.as_deref())
            .or_else(|| self.summary.as_ref().and_then(|s| s.status.as_deref()))
    }

    pub fn cert_type(&self) -> Option<&str> {
        self.detail
            .as_ref()
            .and_then(|d| d.cert_type.as_deref())
            .or_else(|| self.summary.as_ref().and_then(|s| s.cert_type.as_deref()))
    }

    pub fn renewal_eligibility(&self) -> Option<&str> {
        self.detail
            .as_ref()
            .and_then(|d| d.renewal_eligibility.as_deref())
            .or_else(|| {
                self.summary
                    .as_ref()
                    .and_then(|s| s.renewal_eligibility.as_deref())
            })
    }

    pub fn not_after(&self) -> Option<Timestamp> {
        self.detail
            .as_ref()
            .and_then(|d| d.not_after)
            .or_else(|| self.summary.as_ref().and_then(|s| s.not_after))
    }

    /// Whether an AWS resource uses the certificate: `InUseBy` non-empty, or `InUse`.
    pub fn in_use(&self) -> Option<bool> {
        self.detail
            .as_ref()
            .and_then(|d| d.in_use_by.as_ref().map(|by| !by.is_empty()))
            .or_else(|| self.summary.as_ref().and_then(|s| s.in_use))
    }

    /// The resources ACM says use the certificate (empty when only a summary is known).
    pub fn in_use_by(&self) -> &[String] {
        self.detail
            .as_ref()
            .and_then(|d| d.in_use_by.as_deref())
            .unwrap_or(&[])
    }

    pub fn renewal(&self) -> Option<&RenewalSummary> {
        self.detail
            .as_ref()
            .and_then(|d| d.renewal_summary.as_ref())
    }

    /// The validations that matter now: the renewal's when a renewal is under way, else the
    /// certificate's own.
    pub fn validations(&self) -> &[DomainValidation] {
        match (self.renewal(), &self.detail) {
            (Some(r), _) if !r.domain_validation_options.is_empty() => &r.domain_validation_options,
            (_, Some(d)) => &d.domain_validation_options,
            _ => &[],
        }
    }

    pub fn serial(&self) -> Option<&str> {
        self.detail.as_ref().and_then(|d| d.serial.as_deref())
    }

    pub fn issuer(&self) -> Option<&str> {
        self.detail.as_ref().and_then(|d| d.issuer.as_deref())
    }
}

/// `arn:aws:acm:eu-west-1:123456789012:certificate/...` → `eu-west-1`.
pub fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some("acm"), Some(region)) if !region.is_empty() => Some(region),
        _ => None,
    }
}
