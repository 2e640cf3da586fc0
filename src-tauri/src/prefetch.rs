//! The first answers the incident list needs at launch — [`Store::overview`] and the first page
//! of [`Store::list_incidents`] — computed on a thread of their own while the window and its web
//! view start (a few hundred milliseconds during which the database is idle), so the page's first
//! requests find them ready instead of waiting for the queries (on a large database they take
//! tens of milliseconds each, one after the other, on the one connection).
//!
//! Each answer is handed out once, and only if the database has not changed since it was
//! computed: neither through the app's connection (its change count) nor through another one (the
//! background sender, the CLI: SQLite's `data_version`). Otherwise the command computes it as
//! usual, so what the UI sees is what a fresh query would have answered.

use afterword_core::{IncidentFilter, IncidentPage, Overview, Store};
use std::sync::{Mutex, MutexGuard};

/// Whether the database changed: equal stamps mean no commit in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    data_version: i64,
    changes: u64,
}

impl Stamp {
    fn of(store: &Store) -> Option<Stamp> {
        let conn = store.connection();
        let data_version = conn.pragma_query_value(None, "data_version", |r| r.get(0)).ok()?;
        Some(Stamp { data_version, changes: conn.total_changes() })
    }
}

#[derive(Default)]
pub struct Prefetched {
    overview: Mutex<Option<(Stamp, Overview)>>,
    first_page: Mutex<Option<(Stamp, IncidentPage)>>,
}

impl Prefetched {
    /// Computes both answers with `store` (on the launch thread of [`crate::AppState::prefetch`]).
    pub fn fill(&self, store: &Store) {
        let Some(stamp) = Stamp::of(store) else { return };
        if let Ok(overview) = store.overview() {
            *lock(&self.overview) = Some((stamp, overview));
        }
        if let Ok(page) = store.list_incidents(&IncidentFilter::default()) {
            *lock(&self.first_page) = Some((stamp, page));
        }
    }

    /// The overview computed at launch, if it is still current; asked once.
    pub fn overview(&self, store: &Store) -> Option<Overview> {
        take_current(&self.overview, store)
    }

    /// The first page of the unfiltered list computed at launch, if `filter` asks for it and it is
    /// still current. Only the first request may use it.
    pub fn incident_page(&self, store: &Store, filter: &IncidentFilter) -> Option<IncidentPage> {
        take_current(&self.first_page, store).filter(|_| *filter == IncidentFilter::default())
    }
}

fn lock<T>(slot: &Mutex<T>) -> MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn take_current<T>(slot: &Mutex<Option<(Stamp, T)>>, store: &Store) -> Option<T> {
    let (stamp, value) = lock(slot).take()?;
    (Stamp::of(store) == Some(stamp)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use afterword_core::{IncidentInput, PersonInput};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn answers_once_what_a_fresh_query_would() {
        let (_dir, store) = store();
        store.load_example().unwrap();
        let prefetched = Prefetched::default();
        prefetched.fill(&store);
        assert_eq!(prefetched.overview(&store), Some(store.overview().unwrap()));
        assert_eq!(prefetched.overview(&store), None, "handed out once");
        let filter = IncidentFilter::default();
        assert_eq!(prefetched.incident_page(&store, &filter), Some(store.list_incidents(&filter).unwrap()));
        assert_eq!(prefetched.incident_page(&store, &filter), None);
    }

    #[test]
    fn a_change_through_this_connection_or_another_drops_them() {
        let (dir, store) = store();
        store.load_example().unwrap();
        let prefetched = Prefetched::default();
        prefetched.fill(&store);
        store
            .create_person(&PersonInput {
                name: "Ada Lovelace".into(),
                email: "ada@example.org".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(prefetched.overview(&store), None);

        prefetched.fill(&store);
        let other = Store::open_in(dir.path()).unwrap();
        other.create_incident(&IncidentInput { title: "Elsewhere".into(), ..Default::default() }).unwrap();
        let filter = IncidentFilter::default();
        assert_eq!(prefetched.incident_page(&store, &filter), None);
        assert_eq!(store.list_incidents(&filter).unwrap().total, 2);
    }

    #[test]
    fn a_restore_through_another_connection_drops_them() {
        let (dir, store) = store();
        let backup = dir.path().join("empty.db");
        store.backup_to(&backup).unwrap();
        store.load_example().unwrap();
        let prefetched = Prefetched::default();
        prefetched.fill(&store);
        Store::open_in(dir.path()).unwrap().restore_from(&backup).unwrap();
        assert_eq!(prefetched.overview(&store), None);
        assert_eq!(store.overview().unwrap().incidents, 0, "the window's connection sees the restored data");
    }

    #[test]
    fn a_filtered_first_request_gets_a_fresh_answer() {
        let (_dir, store) = store();
        store.load_example().unwrap();
        let prefetched = Prefetched::default();
        prefetched.fill(&store);
        let filter = IncidentFilter { text: "nothing matches this".into(), ..Default::default() };
        assert_eq!(prefetched.incident_page(&store, &filter), None);
        assert_eq!(prefetched.incident_page(&store, &IncidentFilter::default()), None, "only the first request");
    }
}
