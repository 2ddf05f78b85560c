//! The object of `doctor`: [`DoctorReport`].

use serde::Serialize;
use url::Url;

use super::{Head, Outcome};

/// `doctor`: what the server does with preconditions.
#[derive(Debug, Clone, Serialize)]
pub struct DoctorReport {
    #[serde(flatten)]
    pub head: Head,
    pub verdict: crate::doctor::diagnosis::Verdict,
    pub summary: &'static str,
    pub last_modified: Option<String>,
    pub version_field: Option<String>,
    pub findings: Vec<crate::doctor::diagnosis::Finding>,
    pub retries: Vec<crate::http::Retry>,
    pub write_probe_verdict: Option<crate::state::OriginVerdict>,
}

impl DoctorReport {
    /// The report of `diagnosis`, made from `rec`'s answers from `url`.
    pub fn new(
        url: &Url,
        diagnosis: &crate::doctor::diagnosis::Diagnosis,
        rec: &crate::doctor::probe::Recording,
        write_probe_verdict: Option<crate::state::OriginVerdict>,
    ) -> DoctorReport {
        let head = Head {
            status: Some(rec.get.status),
            etag: rec.get.header("etag"),
            ..Head::new("doctor", Some(url), Outcome::Diagnosed)
        };
        DoctorReport {
            head,
            verdict: diagnosis.verdict,
            summary: diagnosis.summary(),
            last_modified: rec.get.last_modified(),
            version_field: rec.version_field.as_ref().map(|v| v.pointer.clone()),
            findings: diagnosis.findings.clone(),
            retries: crate::http::retries(),
            write_probe_verdict,
        }
    }
}
