//! What `ifmatch doctor` needs beyond the command itself: [`probe`] sends the requests and
//! records the answers, [`diagnosis`] judges a recording without I/O. The command's steps —
//! asking before the write probe, remembering its verdict for the origin, printing the report —
//! are in `commands/doctor.rs`, like every other command's.

pub mod diagnosis;
pub mod probe;
