//! FH-AUTH endpoints (`/auth/authorize`, `/auth/token`, `/auth/token/reissue`) and the
//! middleware that authenticates every other request, by FH-AUTH token or ARMOR-PSK
//! signature, and checks its account context.

use std::sync::Arc;

use armor_core::auth::{
    AuthorizeRequest, AuthorizeResponse, GRANT_AUTHORIZATION_CODE, ReissueRequest, TokenRequest,
    TokenResponse,
};
use armor_core::{AccountId, psk};
use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};

use crate::config::ReissueFault;
use crate::error::ApiError;
use crate::helpers::{JsonBody, MAX_BODY, random_hex};
use crate::state::{AppState, Issued, LoginRefused};

/// `POST /auth/authorize`.
pub async fn authorize(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<AuthorizeRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    match state.authorize(&req.username, req.password.expose_secret()) {
        Ok(code) => Ok(Json(AuthorizeResponse::new(SecretString::from(code)).expose_body())),
        Err(LoginRefused::BadCredentials) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "The provided credentials are invalid",
        )),
        Err(LoginRefused::TooManyAttempts) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "Too many failed authentication attempts; try again in a minute",
        )),
    }
}

/// `POST /auth/token`.
pub async fn token(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if req.grant_type != GRANT_AUTHORIZATION_CODE {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant_type must be {GRANT_AUTHORIZATION_CODE:?}"),
        ));
    }
    let issued = state.exchange(req.code.expose_secret()).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code is invalid, expired or already used",
        )
    })?;
    Ok(Json(token_response(&state, issued).expose_body()))
}

/// `POST /auth/token/reissue`, with the configured fault, if any.
pub async fn reissue(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<ReissueRequest>,
) -> Result<Response, ApiError> {
    let fault = state.reissue_fault();
    match fault {
        Some(ReissueFault::Error) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Injected fault: the reissue failed",
            ));
        }
        Some(ReissueFault::Hang) => {
            // Until the emulator stops (so that a graceful stop does not wait forever).
            let _ = state.stopping.subscribe().wait_for(|stopping| *stopping).await;
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "The emulator is stopping",
            ));
        }
        Some(ReissueFault::Drop) | None => {}
    }
    let issued = state
        .reissue(req.token.expose_secret())
        .ok_or_else(|| ApiError::unauthorized("The token is invalid or expired"))?;
    if fault == Some(ReissueFault::Drop) {
        // The reissue is applied; now abort the connection instead of answering.
        tracing::info!("injected fault: reissue applied, connection dropped");
        let broken = futures_util::stream::once(async {
            Err::<axum::body::Bytes, _>(std::io::Error::other("injected fault: connection dropped"))
        });
        return Ok(Response::new(Body::from_stream(broken)));
    }
    Ok(Json(token_response(&state, issued).expose_body()).into_response())
}

fn token_response(state: &AppState, issued: Issued) -> TokenResponse {
    let id_token = format!("emulator.{}.id", random_hex(8));
    TokenResponse::new(
        SecretString::from(issued.token),
        Some(SecretString::from(id_token)),
        state.config.expires_in(),
        state.config.token_type(),
    )
}

/// An authenticated caller, set by [`authenticate`]: the account context it named
/// (already checked against the user's accounts).
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Option<AccountId>,
}

impl Caller {
    /// The account context, which resource endpoints require.
    pub fn account(&self) -> Result<u32, ApiError> {
        self.account
            .map(AccountId::get)
            .ok_or_else(|| ApiError::invalid("The X-Account-Context header is required"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Authorization header missing"))
    }
}

/// Middleware of every protected route: authenticates, checks the account context, and
/// hands a [`Caller`] to the handler.
pub async fn authenticate(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    match check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, req: Request) -> Result<Request, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Authorization header missing"))?
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization header is not text"))?;
    let mut req = if let Some(token) = value.strip_prefix("FH-AUTH ") {
        if !state.authenticate(token) {
            return Err(ApiError::unauthorized("The token is invalid or expired"));
        }
        req
    } else if value.starts_with(psk::SCHEME) {
        let value = value.to_owned();
        verify_psk(state, &value, req).await?
    } else {
        return Err(ApiError::unauthorized("Authorization must be `FH-AUTH <token>` or `ARMOR-PSK ...`"));
    };
    let account = account_context(req.headers())?;
    if let Some(id) = account.filter(|id| !state.tenant.has_account(*id)) {
        return Err(ApiError::forbidden(format!("The user has no access to account {id}")));
    }
    req.extensions_mut().insert(Caller { account });
    Ok(req)
}

/// Verifies an ARMOR-PSK request: header shape, key, timestamp window, signature over
/// the raw body, nonce replay, and the endpoints API keys may not use.
async fn verify_psk(state: &AppState, value: &str, req: Request) -> Result<Request, ApiError> {
    let unauthorized = |code, text| ApiError::psk(StatusCode::UNAUTHORIZED, code, text);
    let h = psk::parse_header(value).ok_or_else(|| {
        unauthorized("invalid_authorization", "Authorization is not `ARMOR-PSK id:signature:nonce:timestamp`")
    })?;
    if h.key_id != state.config.demo_api_key_id {
        return Err(unauthorized("invalid_key", "Unknown API key"));
    }
    let now = state.config.clock.now().as_second();
    if (now - h.timestamp).abs() > psk::MAX_SKEW_SECS {
        return Err(unauthorized(
            "invalid_timestamp",
            "Request timestamp is more than 5 minutes from the server time",
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|e| {
        if crate::serve::BodyTimeout::caused(&e) {
            return crate::serve::BodyTimeout::answer();
        }
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is over 1 MiB")
    })?;
    let signable = psk::Signable {
        key_id: h.key_id,
        method: parts.method.as_str(),
        path: parts.uri.path(),
        nonce: h.nonce,
        timestamp: h.timestamp,
        body: &bytes,
    };
    if !psk::verify(&state.config.demo_api_key_secret, &signable, h.signature) {
        return Err(unauthorized("invalid_signature", "Signature does not match key"));
    }
    if !state.fresh_nonce(h.key_id, h.nonce) {
        return Err(unauthorized("nonce_reused", "The nonce was already used"));
    }
    if restricted_for_keys(parts.uri.path()) {
        return Err(ApiError::psk(
            StatusCode::FORBIDDEN,
            "psk_not_allowed",
            "This endpoint cannot be used with ARMOR-PSK authentication",
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The contract's endpoints that API keys may not call: key management, password
/// management, user security.
fn restricted_for_keys(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["users", _, "keys", ..] | ["users", "resetpassword" | "setpassword", ..] | ["usersecurity", ..]
    )
}

fn account_context(headers: &HeaderMap) -> Result<Option<AccountId>, ApiError> {
    let Some(value) = headers.get("x-account-context") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    text.parse::<AccountId>()
        .map(Some)
        .map_err(|_| ApiError::bad_request(format!("X-Account-Context must be an account id, got {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_paths() {
        for p in
            ["/users/4922/keys", "/users/1/keys/abc", "/users/resetpassword", "/usersecurity/challengephrase"]
        {
            assert!(restricted_for_keys(p), "{p}");
        }
        for p in ["/users", "/users/4922", "/me", "/vms/1", "/userskeys"] {
            assert!(!restricted_for_keys(p), "{p}");
        }
    }
}
