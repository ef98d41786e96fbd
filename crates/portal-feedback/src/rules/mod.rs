//! Pure rules of the feedback desk (tiếp nhận phản ánh, kiến nghị): no database, no I/O.
//!
//! - [`lunar`]: the Vietnamese lunar calendar (âm lịch), which anchors Tết and Giỗ Tổ Hùng Vương;
//! - [`calendar`]: working days, from holiday rows the caller loads, for case deadlines;
//! - [`deadline`]: the clock of a case, which stands while the agency waits for the citizen;
//! - [`tracking`]: the tracking codes a citizen is given for a case (e.g. `QNA-7K3M-X9P2`).

pub mod calendar;
pub mod deadline;
pub mod lunar;
pub mod tracking;
