//! Sites (the portal and its sub-sites), agencies (Sở, Ban, ngành, districts) and the sections
//! (chuyên mục) they own — Điều 7.2, 8.2 and 22.2 of the regulation.

pub mod admin;
pub mod agencies;
pub mod model;
pub mod sections;
pub mod seed;
pub mod sites;
pub mod views;

pub use model::{Agency, AgencyKind, Section, SectionNode, Site};
