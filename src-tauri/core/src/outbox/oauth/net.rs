//! The HTTP client of the sign-in ([`Http`], given to the `oauth2` crate as its
//! `SyncHttpClient`): ureq over rustls with the system's trusted roots, certificates always
//! verified, https only (plain http only to this machine, for tests), **no redirect followed**
//! (a redirect is refused with the place it pointed to), answers of any status handed back so the
//! OAuth error JSON is read, bodies capped, one timeout per request, and a cancel flag checked
//! before each request (device-code polling ends at once when the analyst cancels).
//!
//! Nothing here logs a request or an answer: they carry codes and tokens. ureq's protocol layer
//! would at trace level (whole bodies), so core compiles trace-level `log` records out
//! (`log`'s `max_level_debug`, see Cargo.toml; [`tests::trace_logs_are_compiled_out`]).

use super::provider::is_loopback_host;
use oauth2::http;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long one request to the sign-in server may take, connect included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Token answers are a few kilobytes; anything far larger is not one.
const BODY_MAX: u64 = 1024 * 1024;

/// Why a request got no usable answer, in words that name the server and never a token.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{host} did not answer within {secs} seconds")]
    Timeout { host: String, secs: u64 },
    #[error("{host} could not be found (no such host name, or this computer is offline)")]
    NotFound { host: String },
    #[error("{host} cannot be reached ({detail})")]
    Unreachable { host: String, detail: String },
    #[error(
        "the secure connection to {host} could not be set up ({detail}); a proxy or security product that \
         intercepts TLS needs its certificate trusted by this computer"
    )]
    Tls { host: String, detail: String },
    #[error(
        "{host} answered with a redirect to {to}, which Afterword does not follow on sign-in requests: check the URL"
    )]
    Redirect { host: String, to: String },
    #[error("{url} is refused: sign-in requests use https (plain http only to this machine)")]
    Insecure { url: String },
    #[error("{host} sent an answer too large to be a sign-in answer")]
    TooLarge { host: String },
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("{host}: {detail}")]
    Other { host: String, detail: String },
}

impl HttpError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, HttpError::Cancelled)
    }

    /// Timeouts and network failures: worth trying again later, unlike a misconfiguration.
    pub fn is_transient(&self) -> bool {
        matches!(self, HttpError::Timeout { .. } | HttpError::NotFound { .. } | HttpError::Unreachable { .. })
    }
}

/// The sign-in's HTTP client. Cheap to clone (one connection pool).
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    timeout: Duration,
    cancel: Option<Arc<AtomicBool>>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

fn root_certs() -> Vec<ureq::tls::Certificate<'static>> {
    // Roots that cannot be read are skipped, as lettre does; none at all fails every TLS request
    // with an untrusted-certificate error that says so.
    rustls_native_certs::load_native_certs()
        .certs
        .into_iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect()
}

impl Http {
    pub fn new(timeout: Duration) -> Http {
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .root_certs(ureq::tls::RootCerts::Specific(Arc::new(root_certs())))
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
            .timeout_global(Some(timeout))
            .user_agent(concat!("Afterword/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http { agent, timeout, cancel: None }
    }

    /// The same client, refusing every request once `cancel` is set.
    pub fn cancellable(&self, cancel: Arc<AtomicBool>) -> Http {
        Http { cancel: Some(cancel), ..self.clone() }
    }

    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::SeqCst))
    }

    /// Sends `request`; any HTTP status comes back as a response, a redirect as an error.
    pub fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, HttpError> {
        if self.cancelled() {
            return Err(HttpError::Cancelled);
        }
        let uri = request.uri().clone();
        let host = uri.host().unwrap_or_default().to_string();
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback_host(&host) => {}
            _ => {
                return Err(HttpError::Insecure {
                    url: format!("{}://{}{}", uri.scheme_str().unwrap_or(""), host, uri.path()),
                })
            }
        }
        let mut response = self.agent.run(request).map_err(|e| self.words(&host, e))?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url::Url::parse(l).ok())
                .and_then(|u| u.host_str().map(|h| format!("{}://{h}", u.scheme())))
                .unwrap_or_else(|| "another address".into());
            return Err(HttpError::Redirect { host, to });
        }
        let body = response.body_mut().with_config().limit(BODY_MAX).read_to_vec().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge { host: host.clone() },
            other => self.words(&host, other),
        })?;
        if self.cancelled() {
            return Err(HttpError::Cancelled);
        }
        let mut answer = http::Response::builder().status(status);
        if let Some(content_type) = response.headers().get(http::header::CONTENT_TYPE) {
            answer = answer.header(http::header::CONTENT_TYPE, content_type);
        }
        answer.body(body).map_err(|e| HttpError::Other { host, detail: e.to_string() })
    }

    fn words(&self, host: &str, error: ureq::Error) -> HttpError {
        let host = host.to_string();
        match error {
            ureq::Error::Timeout(_) => HttpError::Timeout { host, secs: self.timeout.as_secs() },
            ureq::Error::HostNotFound => HttpError::NotFound { host },
            ureq::Error::ConnectionFailed => {
                HttpError::Unreachable { host, detail: "the connection was refused or failed".into() }
            }
            ureq::Error::Tls(detail) => HttpError::Tls { host, detail: detail.to_string() },
            ureq::Error::Rustls(e) => HttpError::Tls { host, detail: e.to_string() },
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                    HttpError::Timeout { host, secs: self.timeout.as_secs() }
                }
                io::ErrorKind::InvalidData => HttpError::Tls { host, detail: e.to_string() },
                _ => HttpError::Unreachable { host, detail: e.to_string() },
            },
            other => HttpError::Other { host, detail: other.to_string() },
        }
    }
}

impl oauth2::SyncHttpClient for Http {
    type Error = HttpError;

    fn call(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, HttpError> {
        self.send(request)
    }
}

/// A form POST (revocation, which the `oauth2` crate only sends over https).
pub fn form_post(http: &Http, url: &str, fields: &[(&str, &str)]) -> Result<http::Response<Vec<u8>>, HttpError> {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(http::header::ACCEPT, "application/json")
        .body(body.into_bytes())
        .map_err(|e| HttpError::Other { host: url.to_string(), detail: e.to_string() })?;
    http.send(request)
}

/// A GET (Microsoft's tenant check).
pub fn get(http: &Http, url: &str) -> Result<http::Response<Vec<u8>>, HttpError> {
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| HttpError::Other { host: url.to_string(), detail: e.to_string() })?;
    http.send(request)
}

#[cfg(test)]
mod tests {
    #[test]
    fn trace_logs_are_compiled_out() {
        // ureq-proto logs HTTP bodies (tokens) with log::trace!.
        assert!(log::STATIC_MAX_LEVEL <= log::LevelFilter::Debug);
    }
}
