//! Afterword's domain, with no Tauri in it.
//!
//! - [`Store`] (in [`store`]) owns the SQLite database: opening, refusing newer or damaged
//!   files, migrations, and every operation below as a method.
//! - [`model`] holds the vocabulary: [`Incident`], [`Person`], [`Contribution`] and their inputs.
//! - [`incidents`], [`people`], [`contributions`] are the operations; [`quick_add`] parses the
//!   quick-add line; [`audit`] records who changed what; [`example`] loads the first-run example;
//!   [`generate`] makes benchmark datasets; [`trash`] lists what was deleted and can come back.
//! - [`exchange`] brings people in from other tools (CSV, vCard, To lines, mailmerge).
//! - [`reports`] tells managers and auditors who helped: contributor and recognition reports.
//! - [`history`] reads the audit log back as an incident's or a person's history.
//! - [`outbox`] delivers approved messages: server settings, the queue, the sending loop.
//! - [`backup`] backs the database up and restores it, and moves the whole dataset as JSON.
//! - [`preferences`] holds the app preferences and guards their file against silent loss.
//! - [`Error`] is the crate's one error type; [`Error::code`] is what front ends branch on.

pub mod audit;
pub mod backup;
pub mod compose;
pub mod contributions;
pub mod error;
pub mod example;
pub mod exchange;
pub mod generate;
pub mod history;
pub mod incidents;
pub mod model;
pub mod outbox;
pub mod people;
pub mod preferences;
pub mod quick_add;
pub mod reports;
pub mod settings;
pub mod store;
pub mod trash;
pub mod validate;

pub use contributions::{QuickAddOutcome, QuickAddPreview, QuickAddRequest};
pub use error::{Error, Result};
pub use generate::GenerateSpec;
pub use incidents::IncidentPage;
pub use model::*;
pub use preferences::{Preferences, Theme};
pub use quick_add::{parse_quick_add, QuickAdd};
pub use settings::{SettingKey, Settings};
pub use store::{data_dir, Clock, Store, SystemClock, DATABASE_FILE, DATA_DIR_ENV, SCHEMA_VERSION};
pub use trash::{DeletedItem, DeletedKind};
