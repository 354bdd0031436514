//! What could not be read, as `第N行：…` (Chinese first, English after), capped so that a megabyte of
//! garbage yields a readable list rather than a megabyte of warnings.

const MAX_WARNINGS: usize = 100;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Warnings {
    items: Vec<String>,
    dropped: usize,
}

impl Warnings {
    pub fn push(&mut self, line: usize, what: impl AsRef<str>) {
        if self.items.len() < MAX_WARNINGS {
            self.items.push(format!("第{line}行：{}", what.as_ref()));
        } else {
            self.dropped += 1;
        }
    }

    /// A warning about the whole notice rather than one line.
    pub fn push_general(&mut self, what: impl AsRef<str>) {
        if self.items.len() < MAX_WARNINGS {
            self.items.push(what.as_ref().to_string());
        } else {
            self.dropped += 1;
        }
    }

    pub fn into_vec(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.items.push(format!(
                "另有 {} 条提示未列出 ({} more warnings not shown)",
                self.dropped, self.dropped
            ));
        }
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_capped_with_a_count() {
        let mut w = Warnings::default();
        for i in 0..150 {
            w.push(i + 1, "unreadable");
        }
        let v = w.into_vec();
        assert_eq!(v.len(), MAX_WARNINGS + 1);
        assert_eq!(v[0], "第1行：unreadable");
        assert_eq!(
            v[MAX_WARNINGS],
            "另有 50 条提示未列出 (50 more warnings not shown)"
        );
    }
}
