//! The `preview:` protocol: serves a message's HTML part to the compose screen's sandboxed
//! frame. The main window's CSP stays strict (no inline styles); the mail's inline styles are
//! allowed only inside this document, which may run no script and load nothing from anywhere.
//!
//! [`PreviewCache`] keeps the last HTML rendered per message (or template trial); a key carries a
//! counter so the frame reloads when the content changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use tauri::http::{header, Request, Response, StatusCode};

/// The scheme name; the window's CSP allows frames from it and nothing else.
pub const SCHEME: &str = "preview";

/// What a preview document may do: show its own inline styles and inline images, nothing more.
const PREVIEW_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; base-uri 'none'; form-action 'none'";

/// How many previews are kept; older ones are dropped (the UI asks again when needed).
const KEEP: usize = 64;

#[derive(Default)]
pub struct PreviewCache {
    entries: Mutex<HashMap<String, (u64, String)>>,
    counter: AtomicU64,
}

impl PreviewCache {
    /// Stores `html` for `name` and returns the key to load it with (`name-N`).
    pub fn put(&self, name: &str, html: String) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= KEEP && !entries.contains_key(name) {
            if let Some(oldest) = entries.iter().min_by_key(|(_, (n, _))| *n).map(|(k, _)| k.clone()) {
                entries.remove(&oldest);
            }
        }
        entries.insert(name.to_string(), (n, html));
        format!("{name}-{n}")
    }

    /// The HTML for a key, if it is still the latest for its name.
    pub fn get(&self, key: &str) -> Option<String> {
        let (name, n) = key.rsplit_once('-')?;
        let n: u64 = n.parse().ok()?;
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(name).filter(|(latest, _)| *latest == n).map(|(_, html)| html.clone())
    }
}

/// Answers `preview://localhost/KEY`.
pub fn respond(cache: &PreviewCache, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let key = request.uri().path().trim_start_matches('/');
    let (status, body) = match cache.get(key) {
        Some(html) => (StatusCode::OK, html),
        None => (
            StatusCode::NOT_FOUND,
            "<!doctype html><p>This preview has been replaced; choose the message again.</p>".into(),
        ),
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CONTENT_SECURITY_POLICY, PREVIEW_CSP)
        .header("X-Content-Type-Options", "nosniff")
        .header(header::CACHE_CONTROL, "no-store")
        .body(body.into_bytes())
        .expect("static headers are valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_key_of_a_name_is_served() {
        let cache = PreviewCache::default();
        let first = cache.put("m1", "<p>one</p>".into());
        let second = cache.put("m1", "<p>two</p>".into());
        assert_eq!(cache.get(&first), None);
        assert_eq!(cache.get(&second).as_deref(), Some("<p>two</p>"));
        assert_eq!(cache.get("nonsense"), None);
    }

    #[test]
    fn the_preview_document_may_run_nothing() {
        let cache = PreviewCache::default();
        let key = cache.put("m", "<p>hi</p>".into());
        let request = Request::builder().uri(format!("preview://localhost/{key}")).body(Vec::new()).unwrap();
        let response = respond(&cache, &request);
        assert_eq!(response.status(), StatusCode::OK);
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("sandbox") && !csp.contains("script"), "{csp}");
    }

    #[test]
    fn old_entries_are_dropped_beyond_the_limit() {
        let cache = PreviewCache::default();
        let first = cache.put("m0", "x".into());
        for i in 1..=KEEP {
            cache.put(&format!("m{i}"), "x".into());
        }
        assert_eq!(cache.get(&first), None);
    }
}
