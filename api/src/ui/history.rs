//! An item's history as its page shows it: the domain's entries (display
//! names, Chinese labels) with the few words each step recorded — the
//! return reason, the date asked for, the file, the escalation note.

use duban_domain::entities::audit_event::AuditAction;
use duban_domain::escalation::level_name;
use duban_domain::workflow::assignments::HistoryEntry;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
pub struct Step {
    pub at: String,
    pub actor_name: String,
    pub label: &'static str,
    pub detail: Option<String>,
}

fn text_of(v: Option<&Value>, key: &str) -> Option<String> {
    v.and_then(|v| v.get(key))
        .and_then(|x| match x {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
}

/// The words that go with a step, from what its audit event recorded.
pub fn words(action: AuditAction, before: Option<&Value>, after: Option<&Value>) -> Option<String> {
    use AuditAction as A;
    match action {
        A::Issue => text_of(after, "due_on").map(|d| format!("完成时限 {d}")),
        A::ReportProgress | A::RequestCompletion => {
            text_of(after, "percent").map(|p| format!("完成 {p}%"))
        }
        A::Approve | A::Return | A::RejectExtension => text_of(after, "comment"),
        A::Cancel => text_of(after, "reason"),
        A::Comment => text_of(after, "text"),
        A::RequestExtension => match (text_of(after, "requested_due_on"), text_of(after, "reason"))
        {
            (Some(d), Some(r)) => Some(format!("申请延至 {d}：{r}")),
            (Some(d), None) => Some(format!("申请延至 {d}")),
            (None, r) => r,
        },
        A::ApproveExtension => {
            let to = text_of(after, "due_on").map(|d| format!("完成时限调整为 {d}"));
            match (to, text_of(after, "comment")) {
                (Some(t), Some(c)) => Some(format!("{t}；{c}")),
                (t, c) => t.or(c),
            }
        }
        A::Attach => text_of(after, "filename"),
        A::Escalate => {
            let level = after
                .and_then(|a| a.get("escalation_level"))
                .and_then(Value::as_i64)
                .and_then(|l| i32::try_from(l).ok())?;
            let from = before
                .and_then(|b| b.get("escalation_level"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let w = format!("督办等级 {from} → {level}（{}）", level_name(level));
            Some(match text_of(after, "note") {
                Some(n) => format!("{w}：{n}"),
                None => w,
            })
        }
        _ => None,
    }
}

/// 挂牌督办 (by hand) reads differently from the ladder's own step.
fn label(e: &HistoryEntry) -> &'static str {
    let manual = e
        .event
        .after
        .as_ref()
        .and_then(|a| a.get("manual"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match e.event.action {
        AuditAction::Escalate if manual => "挂牌督办",
        AuditAction::Escalate => "逾期升级督办",
        _ => e.action_label,
    }
}

pub fn steps(entries: &[HistoryEntry]) -> Vec<Step> {
    entries
        .iter()
        .map(|e| Step {
            at: e.event.at.to_rfc3339(),
            actor_name: e.actor_name.clone(),
            label: label(e),
            detail: words(
                e.event.action,
                e.event.before.as_ref(),
                e.event.after.as_ref(),
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn steps_carry_the_words_that_matter() {
        assert_eq!(
            words(
                AuditAction::Return,
                None,
                Some(&json!({"comment": "请补充名单"}))
            )
            .as_deref(),
            Some("请补充名单")
        );
        assert_eq!(
            words(
                AuditAction::RequestExtension,
                None,
                Some(&json!({"requested_due_on": "2026-05-01", "reason": "资金未到位"}))
            )
            .as_deref(),
            Some("申请延至 2026-05-01：资金未到位")
        );
        assert_eq!(
            words(
                AuditAction::Escalate,
                Some(&json!({"escalation_level": 0})),
                Some(&json!({"escalation_level": 1, "manual": true, "note": "请于本周内办结"}))
            )
            .as_deref(),
            Some("督办等级 0 → 1（催办）：请于本周内办结")
        );
        assert_eq!(
            words(AuditAction::Acknowledge, None, Some(&json!({}))),
            None
        );
        assert_eq!(
            words(AuditAction::Approve, None, Some(&json!({"comment": ""}))),
            None
        );
    }
}
