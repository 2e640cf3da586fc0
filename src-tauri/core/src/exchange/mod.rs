//! Exchanging data with other tools: [`import`] brings people in from address books, contact
//! exports, pasted To lines and mailmerge projects.

pub mod import;
