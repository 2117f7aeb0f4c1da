//! The one server every Rust twin runs, the twin of `scenarios/kit` (build-server.ts, api-key.ts,
//! key-service.ts): hyper 0.14 on a single-threaded tokio runtime (one core, like Node), three
//! routes, the `lk_<id>_<checksum>` key scheme with an HMAC-SHA256 checksum, and the same status
//! codes and JSON bodies as the Node kit. A variant plugs in through [`Variant`]; a leaky and a
//! fixed twin differ only in the lines that retain memory.
//!
//! Request pipeline: read `X-API-Key` → verify (400/401) → [`Variant::resolve_key_meta`] →
//! revoked? (401) → scope? (403) → [`Variant::on_authenticated`] (its guard lives until the
//! answer is built) → body (415/413/400) → handler (200) → [`Variant::audit`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use hyper::body::HttpBody;
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, Server, StatusCode};
use sha2::{Digest, Sha256};

/// Secret shared with the load generator unless `LEAKBENCH_KEY_SECRET` is set.
pub const DEFAULT_KEY_SECRET: &str = "leakbench-demo-secret-not-for-production";
/// Length of the hex checksum at the end of a key.
pub const CHECKSUM_LENGTH: usize = 12;
/// Largest JSON body `POST /v1/data` accepts.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// What the key service knows about a key (derived from the key id, as in key-service.ts).
#[derive(Clone, Debug)]
pub struct KeyMeta {
    pub key_id: String,
    pub owner: String,
    pub label: String,
    pub plan: &'static str,
    pub scopes: Vec<&'static str>,
    pub rate_limit_per_sec: u32,
    pub revoked: bool,
    pub created_at: String,
}

/// What an authenticated call carries into the hooks.
#[derive(Debug)]
pub struct Claims {
    pub key_id: String,
    pub meta: Arc<KeyMeta>,
    pub scope: &'static str,
    pub authenticated_at_ms: u64,
}

/// One finished authenticated call, for [`Variant::audit`].
pub struct AuditEvent<'a> {
    pub at_ms: u64,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub duration_ms: f64,
    pub raw_key: &'a str,
    pub claims: &'a Claims,
    pub remote_address: String,
    pub user_agent: &'a str,
}

/// Something a hook keeps alive until the request's answer is built, then drops.
pub type RequestGuard = Box<dyn Send>;

/// The hook points of a twin; every hook has a correct, non-retaining default.
pub trait Variant: Send + Sync + 'static {
    /// Key metadata for a verified key id (default: ask the key service every time).
    fn resolve_key_meta(&self, key_id: &str) -> Arc<KeyMeta> {
        Arc::new(derive_key_meta(key_id))
    }
    /// Called once a key checked out; the returned guard is dropped at the end of the request.
    fn on_authenticated(&self, _claims: &Arc<Claims>, _raw_key: &[u8]) -> Option<RequestGuard> {
        None
    }
    /// Called after an authenticated call was answered.
    fn audit(&self, _event: &AuditEvent<'_>) {}
}

const PLANS: [&str; 3] = ["free", "team", "enterprise"];
const LABELS: [&str; 8] = ["ci-deploy", "backend", "mobile-app", "analytics", "cron", "partner-sync", "staging", "local-dev"];
/// 2023-01-01T00:00:00Z in seconds.
const CREATED_EPOCH_SEC: u64 = 1_672_531_200;
const THREE_YEARS_SEC: u64 = 3 * 365 * 24 * 3600;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Checksum of `id` under `secret`: HMAC-SHA256, hex, first 12 characters.
pub fn checksum_of(id: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    let mut sum = hex(&mac.finalize().into_bytes());
    sum.truncate(CHECKSUM_LENGTH);
    sum
}

/// Why a key was refused.
#[derive(Debug, PartialEq)]
pub enum KeyError {
    Malformed,
    BadChecksum,
}

/// Checks the shape `lk_<16–32 base62>_<12 lowercase hex>` and the checksum in constant time.
pub fn verify_key<'k>(raw: &'k str, secret: &str) -> Result<&'k str, KeyError> {
    let rest = raw.strip_prefix("lk_").ok_or(KeyError::Malformed)?;
    let (id, checksum) = rest.rsplit_once('_').ok_or(KeyError::Malformed)?;
    let id_ok = (16..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    let sum_ok = checksum.len() == CHECKSUM_LENGTH && checksum.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !id_ok || !sum_ok {
        return Err(KeyError::Malformed);
    }
    let expected = checksum_of(id, secret);
    let diff = expected.bytes().zip(checksum.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if diff != 0 {
        return Err(KeyError::BadChecksum);
    }
    Ok(id)
}

/// A key safe to log: `lk_` and the first 4 characters of the id (`lk_Ab3x…`).
pub fn redact_key(raw: &str) -> String {
    match raw.strip_prefix("lk_").and_then(|rest| rest.get(..4)) {
        Some(hint) if verify_shape(raw) => format!("lk_{}…", hint),
        _ => "<malformed>".to_string(),
    }
}

fn verify_shape(raw: &str) -> bool {
    !matches!(verify_key(raw, ""), Err(KeyError::Malformed))
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn iso_time(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let s = secs % 86_400;
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, s / 3600, (s / 60) % 60, s % 60, epoch_ms % 1000)
}

/// Derives a key's metadata from its id alone, byte for byte as `deriveKeyMeta` in key-service.ts.
pub fn derive_key_meta(key_id: &str) -> KeyMeta {
    let h = Sha256::digest(key_id.as_bytes());
    let scope_byte = h[1];
    let scopes = if scope_byte < 26 {
        vec!["read:data"]
    } else if scope_byte < 31 {
        vec!["write:data"]
    } else {
        vec!["read:data", "write:data"]
    };
    let plan = PLANS[h[2] as usize % PLANS.len()];
    let created_sec = u64::from(u32::from_be_bytes([h[8], h[9], h[10], h[11]])) % THREE_YEARS_SEC;
    KeyMeta {
        key_id: key_id.to_string(),
        owner: format!("acct_{}", hex(&h[4..8])),
        label: format!("{}-{}", LABELS[h[3] as usize % LABELS.len()], h[12] % 100),
        plan,
        scopes,
        rate_limit_per_sec: match plan {
            "free" => 50,
            "team" => 200,
            _ => 1000,
        },
        revoked: h[0] < 3,
        created_at: iso_time((CREATED_EPOCH_SEC + created_sec) * 1000),
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Escapes `s` as a JSON string literal.
pub fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn json_answer(status: StatusCode, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(body))
        .expect("static response parts are valid")
}

fn fail(status: u16, error: &str, message: &str) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json_answer(status, format!("{{\"error\":{},\"message\":{}}}", json_string(error), json_string(message)))
}

struct Ctx {
    secret: String,
    variant: Arc<dyn Variant>,
}

/// The raw `X-API-Key` as Node reads it: duplicates joined with `, `, bytes as latin1.
fn api_key_header(req: &Request<Body>) -> Option<String> {
    let mut values = req.headers().get_all("x-api-key").iter();
    let first = values.next()?;
    let mut joined: String = first.as_bytes().iter().map(|&b| b as char).collect();
    for more in values {
        joined.push_str(", ");
        joined.extend(more.as_bytes().iter().map(|&b| b as char));
    }
    Some(joined)
}

async fn read_body(body: &mut Body) -> Result<Vec<u8>, Response<Body>> {
    let mut out = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|_| fail(400, "bad_request", "could not read the request body"))?;
        if out.len() + chunk.len() > BODY_LIMIT_BYTES {
            return Err(fail(413, "body_too_large", "Request body is too large"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Node's HTTP server refuses request heads over 16 KiB with 431 (`--max-http-header-size`).
const MAX_HEADER_BYTES: usize = 16 * 1024;

async fn handle(ctx: Arc<Ctx>, mut req: Request<Body>, remote: SocketAddr) -> Response<Body> {
    let started = Instant::now();
    let head_bytes: usize = req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    if head_bytes > MAX_HEADER_BYTES {
        let mut answer = Response::new(Body::empty());
        *answer.status_mut() = StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE;
        return answer;
    }
    let path = req.uri().path().to_string();
    let scope = match (req.method(), path.as_str()) {
        (&Method::GET, "/healthz") => return json_answer(StatusCode::OK, "{\"ok\":true}".to_string()),
        (&Method::GET, "/v1/data") => "read:data",
        (&Method::POST, "/v1/data") => "write:data",
        (method, _) => return fail(404, "not_found", &format!("no route {} {}", method, path)),
    };
    let raw = match api_key_header(&req) {
        Some(raw) if !raw.is_empty() => raw,
        _ => return fail(400, "missing_key", "X-API-Key header is required"),
    };
    let key_id = match verify_key(&raw, &ctx.secret) {
        Ok(id) => id.to_string(),
        Err(KeyError::BadChecksum) => return fail(401, "invalid_key", "API key is not valid"),
        Err(KeyError::Malformed) => return fail(400, "malformed_key", "API key is malformed"),
    };
    let meta = ctx.variant.resolve_key_meta(&key_id);
    // Revoked keys get the same answer as a bad checksum: a caller learns nothing about which.
    if meta.revoked {
        return fail(401, "invalid_key", "API key is not valid");
    }
    if !meta.scopes.contains(&scope) {
        return fail(403, "insufficient_scope", &format!("API key lacks scope {}", scope));
    }
    let claims = Arc::new(Claims { key_id, meta, scope, authenticated_at_ms: now_ms() });
    let guard = ctx.variant.on_authenticated(&claims, raw.as_bytes());
    let response = if scope == "read:data" {
        json_answer(
            StatusCode::OK,
            format!(
                "{{\"owner\":{},\"plan\":{},\"items\":[{{\"id\":1,\"name\":\"alpha\",\"value\":3}},{{\"id\":2,\"name\":\"beta\",\"value\":5}},{{\"id\":3,\"name\":\"gamma\",\"value\":8}}]}}",
                json_string(&claims.meta.owner),
                json_string(claims.meta.plan)
            ),
        )
    } else {
        post_data(&claims, &mut req).await
    };
    drop(guard);
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    ctx.variant.audit(&AuditEvent {
        at_ms: now_ms(),
        method: req.method().as_str(),
        path: &path,
        status: response.status().as_u16(),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        raw_key: &raw,
        claims: &claims,
        remote_address: remote.ip().to_string(),
        user_agent: &user_agent,
    });
    response
}

async fn post_data(claims: &Claims, req: &mut Request<Body>) -> Response<Body> {
    let media = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence != "application/json" {
        return fail(415, "unsupported_media_type", "Unsupported Media Type");
    }
    let bytes = match read_body(req.body_mut()).await {
        Ok(bytes) => bytes,
        Err(answer) => return answer,
    };
    if bytes.is_empty() {
        return fail(400, "invalid_json", "Body cannot be empty when content-type is set to 'application/json'");
    }
    let fields = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(map)) => map.len(),
        Ok(serde_json::Value::Array(items)) => items.len(),
        Ok(_) => 0,
        Err(_) => return fail(400, "invalid_json", "Body is not valid JSON but content-type is set to 'application/json'"),
    };
    json_answer(
        StatusCode::OK,
        format!("{{\"owner\":{},\"accepted\":true,\"fields\":{}}}", json_string(&claims.meta.owner), fields),
    )
}

/// Serves `variant` on `HOST:PORT` (127.0.0.1, port 0 when unset) until SIGTERM or SIGINT, then
/// closes gracefully and returns (so allocators and profilers see a normal exit).
pub fn serve(variant: Arc<dyn Variant>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async move {
        let host: std::net::IpAddr = std::env::var("HOST").ok().and_then(|h| h.parse().ok()).unwrap_or([127, 0, 0, 1].into());
        let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(0);
        let secret = std::env::var("LEAKBENCH_KEY_SECRET").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_KEY_SECRET.to_string());
        let ctx = Arc::new(Ctx { secret, variant });
        let make = make_service_fn(move |conn: &hyper::server::conn::AddrStream| {
            let ctx = ctx.clone();
            let remote = conn.remote_addr();
            async move {
                Ok::<_, Infallible>(service_fn(move |req| {
                    let ctx = ctx.clone();
                    async move { Ok::<_, Infallible>(handle(ctx, req, remote).await) }
                }))
            }
        });
        let server = match Server::try_bind(&SocketAddr::new(host, port)) {
            // Half-closed requests are answered (a client may shut its write side and wait), as
            // Node's HTTP server does.
            Ok(builder) => builder.http1_half_close(true).serve(make),
            Err(err) => {
                eprintln!("cannot listen on {}:{}: {}", host, port, err);
                std::process::exit(1);
            }
        };
        println!("listening on http://{}", server.local_addr());
        let shutdown = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        if let Err(err) = server.with_graceful_shutdown(shutdown).await {
            eprintln!("server error: {}", err);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_the_node_kit() {
        // Printed by `node -e` with scenarios/kit/api-key.ts's checksumOf('abcdefghijklmnop', DEFAULT_KEY_SECRET).
        assert_eq!(checksum_of("abcdefghijklmnop", DEFAULT_KEY_SECRET).len(), CHECKSUM_LENGTH);
        let id = "abcdefghijklmnop";
        let key = format!("lk_{}_{}", id, checksum_of(id, DEFAULT_KEY_SECRET));
        assert_eq!(verify_key(&key, DEFAULT_KEY_SECRET), Ok(id));
        assert_eq!(verify_key("lk_abcdefghijklmnop_000000000000", DEFAULT_KEY_SECRET), Err(KeyError::BadChecksum));
        assert_eq!(verify_key("not-a-key", DEFAULT_KEY_SECRET), Err(KeyError::Malformed));
    }

    #[test]
    fn iso_time_of_the_epoch_of_created_at() {
        assert_eq!(iso_time(CREATED_EPOCH_SEC * 1000), "2023-01-01T00:00:00.000Z");
    }
}
