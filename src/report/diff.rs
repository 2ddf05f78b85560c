//! The object of `diff`: [`DiffReport`].

use serde::Serialize;

use super::Head;

/// `diff`: what differs between two versions of a resource.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    #[serde(flatten)]
    pub head: Head,
    pub equal: bool,
    /// The old side's label: `base` or `theirs`.
    pub from: String,
    /// The new side's label: `theirs`, FILE or `stdin`.
    pub to: String,
    pub etag_from: Option<String>,
    pub etag_to: Option<String>,
    /// Lines added and removed.
    pub added: usize,
    pub removed: usize,
    /// The unified diff, uncolored; empty when equal.
    pub diff: String,
    pub retries: Vec<crate::http::Retry>,
}
