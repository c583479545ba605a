//! FH-AUTH endpoints: `/auth/authorize`, `/auth/token`, `/auth/token/reissue`, and the
//! extractor that authenticates `Authorization: FH-AUTH <token>` requests.

use std::sync::Arc;

use armor_core::AccountId;
use armor_core::auth::{
    AuthorizeRequest, AuthorizeResponse, GRANT_AUTHORIZATION_CODE, ReissueRequest, TokenRequest,
    TokenResponse,
};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ApiError, JsonBody};
use crate::state::{AppState, Issued, LoginRefused};

/// `POST /auth/authorize`.
pub async fn authorize(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<AuthorizeRequest>,
) -> Result<Json<AuthorizeResponse>, ApiError> {
    match state.authorize(&req.username, req.password.expose_secret()) {
        Ok(code) => Ok(Json(AuthorizeResponse::new(SecretString::from(code)))),
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
) -> Result<Json<TokenResponse>, ApiError> {
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
    Ok(Json(token_response(&state, issued)))
}

/// `POST /auth/token/reissue`.
pub async fn reissue(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<ReissueRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let issued = state
        .reissue(req.token.expose_secret())
        .ok_or_else(|| ApiError::unauthorized("The token is invalid or expired"))?;
    Ok(Json(token_response(&state, issued)))
}

fn token_response(state: &AppState, issued: Issued) -> TokenResponse {
    let id_token = format!("emulator.{}.id", crate::state::random_hex(8));
    TokenResponse::new(
        SecretString::from(issued.token),
        Some(SecretString::from(id_token)),
        state.config.expires_in(),
        state.config.token_type(),
    )
}

/// An authenticated caller: the user of a valid FH-AUTH token, and the account context
/// the request named (checked against the user's accounts).
#[derive(Debug)]
pub struct Caller {
    pub account: Option<AccountId>,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = fh_auth_token(&parts.headers)?;
        state
            .authenticate(token)
            .ok_or_else(|| ApiError::unauthorized("The token is invalid or expired"))?;
        let account = account_context(&parts.headers)?;
        if let Some(id) = account.filter(|id| !state.tenant.has_account(*id)) {
            return Err(ApiError::forbidden(format!(
                "The user has no access to account {id}"
            )));
        }
        Ok(Caller { account })
    }
}

fn fh_auth_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Authorization header missing"))?
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization header is not text"))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Authorization header is not `FH-AUTH <token>`"))?;
    if scheme != "FH-AUTH" || token.is_empty() {
        return Err(ApiError::unauthorized(
            "Authorization header is not `FH-AUTH <token>`",
        ));
    }
    Ok(token)
}

fn account_context(headers: &HeaderMap) -> Result<Option<AccountId>, ApiError> {
    let Some(value) = headers.get("x-account-context") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    text.parse::<AccountId>().map(Some).map_err(|_| {
        ApiError::bad_request(format!(
            "X-Account-Context must be an account id, got {text:?}"
        ))
    })
}
