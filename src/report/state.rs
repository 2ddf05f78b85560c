//! The objects of `state path`, `state list`, `state show` and `state forget`.

use serde::Serialize;
use url::Url;

use super::{Head, Outcome};
use crate::error::{Error, Result};

/// `state path`.
#[derive(Debug, Clone, Serialize)]
pub struct StatePath {
    #[serde(flatten)]
    pub head: Head,
    pub path: String,
}

/// `state list`.
#[derive(Debug, Clone, Serialize)]
pub struct StateList {
    #[serde(flatten)]
    pub head: Head,
    pub records: Vec<crate::state::Record>,
    pub origins: Vec<crate::state::OriginVerdict>,
}

/// `state show URL`.
#[derive(Debug, Clone, Serialize)]
pub struct StateShow {
    #[serde(flatten)]
    pub head: Head,
    /// The record's fields but `url` and `etag`, which the head carries (`accept`,
    /// `last_modified`, `content_type`, `fetched_at`, `stale`, `base_len`, …); when the store
    /// holds no record but recovered edits, only `"record": null`.
    #[serde(flatten)]
    pub record: serde_json::Map<String, serde_json::Value>,
    pub recovered: Vec<String>,
    /// The versions `put FILE` can write a file against.
    pub versions: Vec<crate::state::Version>,
    pub write_probe_verdict: Option<crate::state::OriginVerdict>,
    /// The record, for the text.
    #[serde(skip)]
    pub shown: Option<crate::state::Record>,
}

/// `state forget URL [--recovered | --write-probe]`.
#[derive(Debug, Clone, Serialize)]
pub struct StateForget {
    #[serde(flatten)]
    pub head: Head,
    /// The URL whose record was forgotten; null with `--write-probe`.
    pub forgot: Option<String>,
    pub recovered_removed: Vec<String>,
    pub recovered_kept: Vec<String>,
    /// `--write-probe`: the verdict forgotten; null otherwise.
    pub forgot_write_probe_verdict: Option<crate::state::OriginVerdict>,
}

impl StateShow {
    /// What `state show` says about `url`: its `record` (none: only `recovered` edits are left),
    /// the `versions` a file can be written against, the origin's write-probe verdict.
    pub fn new(
        url: &Url,
        record: Option<crate::state::Record>,
        recovered: Vec<String>,
        versions: Vec<crate::state::Version>,
        write_probe_verdict: Option<crate::state::OriginVerdict>,
    ) -> Result<StateShow> {
        let etag = record.as_ref().and_then(|r| r.etag.clone());
        Ok(StateShow {
            head: Head { etag, ..Head::new("state show", Some(url), Outcome::Shown) },
            record: StateShow::fields(record.as_ref())?,
            recovered,
            versions,
            write_probe_verdict,
            shown: record,
        })
    }

    /// The record's fields for [`StateShow::record`].
    fn fields(record: Option<&crate::state::Record>) -> Result<serde_json::Map<String, serde_json::Value>> {
        let Some(record) = record else {
            return Ok(serde_json::Map::from_iter([("record".to_string(), serde_json::Value::Null)]));
        };
        match serde_json::to_value(record) {
            Ok(serde_json::Value::Object(mut fields)) => {
                fields.shift_remove("url");
                fields.shift_remove("etag");
                Ok(fields)
            }
            _ => Err(Error::other("internal: a state record is not a JSON object")),
        }
    }
}
