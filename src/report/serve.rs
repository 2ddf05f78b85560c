//! The object of `serve`: [`ServeReport`].

use serde::Serialize;

use super::Head;

/// `serve`: its first line of stdout.
#[derive(Debug, Clone, Serialize)]
pub struct ServeReport {
    #[serde(flatten)]
    pub head: Head,
}
