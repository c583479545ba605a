//! Error responses; bad request bodies become them in [`crate::body`].

use armor_core::ErrorBody;
use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answered with a JSON body in the contract's `ErrorResponse` shape.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Box<ErrorBody>,
}

impl ApiError {
    /// An error with a status, a machine-readable code and a description.
    pub fn new(status: StatusCode, code: &str, description: impl Into<String>) -> Self {
        let description = short(description.into());
        ApiError { status, body: Box::new(ErrorBody::auth(status.as_u16(), code, description)) }
    }

    /// An ARMOR-PSK rejection: the contract's body carries `Message` too.
    pub fn psk(status: StatusCode, code: &str, description: &str) -> Self {
        let description = short(description.to_owned());
        let mut body = ErrorBody::auth(status.as_u16(), code, description.clone());
        body.message = Some(description);
        ApiError { status, body: Box::new(body) }
    }

    /// A resource-style error: `{"ErrorCode", "Message", "ReferenceId"}`.
    pub fn resource(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let body = ErrorBody::api(code, short(message.into()), crate::random::random_hex(8));
        ApiError { status, body: Box::new(body) }
    }

    /// 404 for a resource that is not in the caller's account.
    pub fn missing(kind: &str, id: impl std::fmt::Display, account: u32) -> Self {
        Self::resource(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{kind} {id} was not found in account {account}"),
        )
    }

    /// 400 for a resource request with bad input.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::resource(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn unauthorized(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }

    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", description)
    }
}

/// The most characters of a message an error echoes: a client's input (a path, a header,
/// a name) is quoted only this far.
const MAX_MESSAGE_CHARS: usize = 200;

fn short(mut text: String) -> String {
    if let Some((at, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) {
        text.truncate(at);
        text.push('…');
    }
    text
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Answers any path the emulator does not serve.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("no such endpoint: {} {}", req.method(), req.uri().path()))
}

/// Answers a known path called with a method it does not take.
pub async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
}
