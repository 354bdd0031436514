//! Password hashing (argon2id, PHC strings) and the minimum rules for a new password.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::FieldError;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

/// Checks a new password; the message is shown to the person choosing it.
pub fn check_new(password: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(FieldError::new(
            "password",
            format!("密码至少 {MIN_LEN} 个字符 (at least {MIN_LEN} characters)"),
        ));
    }
    if len > MAX_LEN {
        return Err(FieldError::new(
            "password",
            format!("密码最多 {MAX_LEN} 个字符 (at most {MAX_LEN} characters)"),
        ));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|&&b| b).count() < 2 {
        return Err(FieldError::new(
            "password",
            "密码须包含至少两类字符：小写、大写、数字、符号 (use at least two kinds of characters)",
        ));
    }
    Ok(())
}

/// Hashes with argon2id and a fresh salt. CPU-heavy: call off the async executor.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// True when `password` matches the stored PHC string. A malformed stored hash
/// never matches. CPU-heavy: call off the async executor.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody knows, verified against for unknown usernames
/// so that a wrong username costs as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

/// A random password that passes [`check_new`], for first-start admins and demos.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let body: String = (0..14)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    // Fixed tail guarantees the character classes whatever the draw.
    format!("{body}-7a")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("Correct-horse-9").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Correct-horse-9", &h));
        assert!(!verify("correct-horse-9", &h));
        assert!(!verify("Correct-horse-9", "not a phc string"));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check_new("short1A").is_err());
        assert!(check_new("alllowercaseletters").is_err());
        assert!(check_new(&"aA1".repeat(50)).is_err());
        assert!(check_new("Adm1n-pass-ok").is_ok());
        assert!(check_new("密码密码密码密码密码1").is_ok());
    }

    #[test]
    fn generated_passwords_pass_the_rules_and_differ() {
        let a = generate();
        assert!(check_new(&a).is_ok(), "{a}");
        assert_ne!(a, generate());
    }
}
