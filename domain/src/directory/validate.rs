//! Field checks shared by units and users.

use crate::FieldError;

/// Trims and checks a required name-like field.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "不能为空 (must not be empty)"));
    }
    if v.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            format!("最多 {max_chars} 个字符 (at most {max_chars} characters)"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "不能包含控制字符 (no control characters)",
        ));
    }
    Ok(v.to_owned())
}

/// A plausible mailbox: one `@`, a dotted domain, no spaces. Deliverability is
/// the mail server's business; this only catches typing slips.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let bad = || FieldError::new(field, "邮箱格式不正确 (not an email address)");
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(v.to_owned())
}

pub fn optional_email(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => email(field, v).map(Some),
    }
}

/// Collects field errors so a client learns every problem in one answer.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn finish(self) -> Result<(), crate::DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::DomainError::Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            required_text("name", "  市民政局 ", 10).unwrap(),
            "市民政局"
        );
        assert!(required_text("name", "   ", 10).is_err());
        assert!(required_text("name", &"局".repeat(11), 10).is_err());
        assert!(required_text("name", "a\u{0}b", 10).is_err());
    }

    #[test]
    fn emails() {
        assert!(email("email", "mz@example.gov").is_ok());
        for bad in ["mz", "mz@", "@x.cn", "a b@x.cn", "a@x", "a@b@x.cn", "a@.cn"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
        assert_eq!(optional_email("email", Some("  ")).unwrap(), None);
    }
}
