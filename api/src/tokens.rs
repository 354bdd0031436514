//! Access tokens: HS256 JWTs signed with the configured secret, checked
//! against the injected clock.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::settings::AuthSettings;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    /// The user's credential version when the token was issued.
    cv: i32,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// Signs and checks tokens with the one configured algorithm.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
    leeway_secs: i64,
}

pub struct IssuedToken {
    pub token: String,
    pub expires_in: i64,
}

impl TokenKeys {
    pub fn new(settings: &AuthSettings) -> Self {
        let secret = settings.jwt_secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[settings.issuer.as_str()]);
        validation.set_audience(&[settings.audience.as_str()]);
        validation.required_spec_claims =
            HashSet::from(["exp", "iat", "iss", "aud", "sub"].map(String::from));
        // Expiry is checked against the injected clock below, not the wall
        // clock inside the library; `exp` stays a required claim.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl_secs: settings.token_ttl_secs,
            leeway_secs: i64::try_from(settings.leeway_secs).unwrap_or(0),
        }
    }

    pub fn issue(
        &self,
        user_id: i64,
        credential_version: i32,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, ApiError> {
        let claims = Claims {
            sub: user_id.to_string(),
            cv: credential_version,
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(e.into()))?;
        Ok(IssuedToken {
            token,
            expires_in: self.ttl_secs,
        })
    }

    /// The user id a valid token speaks for, and the credential version it
    /// was issued under. Every failure reads the same to the client; the
    /// reason goes to the debug log.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<(i64, i32), ApiError> {
        let refused = || ApiError::unauthenticated("令牌无效或已过期 (invalid or expired token)");
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                tracing::debug!(error = %e, "token refused");
                refused()
            })?;
        let c = data.claims;
        let now = now.timestamp();
        if c.exp + self.leeway_secs <= now || c.iat - self.leeway_secs > now {
            tracing::debug!(exp = c.exp, iat = c.iat, now, "token outside its lifetime");
            return Err(refused());
        }
        let user_id = c.sub.parse::<i64>().map_err(|_| refused())?;
        Ok((user_id, c.cv))
    }
}
