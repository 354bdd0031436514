//! A unit's group robots (DingTalk, WeCom, Feishu): what the unit is told
//! is posted there too. The office and the admins add and remove them; a
//! robot's signing secret and the key in its address are never shown again.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::validate::Errors;
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::entities::notification::Channel;
use crate::entities::{unit, unit_channel};
use crate::policy::{DirectoryAction, ensure_directory};
use crate::{DomainError, DomainResult, FieldError};

const URL_MAX: usize = 1000;
const SECRET_MAX: usize = 300;
const NAME_MAX: usize = 100;

/// A robot as the office asks to add it, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct NewChannel {
    pub kind: Channel,
    pub url: String,
    pub secret: Option<String>,
    pub name: Option<String>,
}

impl std::fmt::Debug for NewChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewChannel")
            .field("kind", &self.kind)
            .field("url", &masked_url(&self.url))
            .finish_non_exhaustive()
    }
}

impl NewChannel {
    pub fn parse(
        kind: Channel,
        url: &str,
        secret: Option<&str>,
        name: Option<&str>,
    ) -> DomainResult<Self> {
        let mut errors = Errors::default();
        if kind == Channel::Email {
            errors.take::<()>(Err(FieldError::new(
                "kind",
                "机器人类型须为 dingtalk、wecom 或 feishu (a robot is dingtalk, wecom or feishu; a unit's e-mail is its email field)",
            )));
        }
        let url = errors.take(webhook_url(url));
        let secret = secret.map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = secret {
            if kind == Channel::Wecom {
                errors.take::<()>(Err(FieldError::new(
                    "secret",
                    "企业微信群机器人不使用签名密钥，密钥在地址的 key 中 (WeCom robots sign nothing; the key is in the address)",
                )));
            } else if s.chars().count() > SECRET_MAX || s.chars().any(char::is_control) {
                errors.take::<()>(Err(FieldError::new(
                    "secret",
                    format!("签名密钥最多 {SECRET_MAX} 个字符且不含控制字符 (at most {SECRET_MAX} characters)"),
                )));
            }
        }
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => errors.take(super::validate::required_text("name", n, NAME_MAX)),
            None => None,
        };
        errors.finish()?;
        Ok(Self {
            kind,
            url: url.unwrap_or_default(),
            secret: secret.map(str::to_owned),
            name,
        })
    }
}

/// An http(s) address with a host and nothing that would let a robot's
/// address reach somewhere else (no credentials, no fragment).
fn webhook_url(raw: &str) -> Result<String, FieldError> {
    let raw = raw.trim();
    let bad = |why: &str| FieldError::new("url", why.to_owned());
    if raw.is_empty() || raw.len() > URL_MAX {
        return Err(bad(
            "请填写机器人的 Webhook 地址，最多 1000 个字符 (the robot's webhook address, at most 1000 characters)",
        ));
    }
    let url =
        url::Url::parse(raw).map_err(|_| bad("Webhook 地址格式不正确 (not a web address)"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            "Webhook 地址须以 http:// 或 https:// 开头 (only http and https addresses)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("Webhook 地址缺少主机名 (the address has no host)"));
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(bad(
            "Webhook 地址不能包含用户名、密码或 # 片段 (no credentials or fragment)",
        ));
    }
    Ok(url.to_string())
}

/// The address with its query values hidden but their last four characters
/// (DingTalk's access_token, WeCom's key), and a path token likewise
/// (Feishu's hook id), so the office can tell robots apart.
pub fn masked_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return "（地址无法显示）".into();
    };
    let hide = |v: &str| {
        let tail: String = v
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if v.chars().count() > 8 {
            format!("****{tail}")
        } else {
            "****".into()
        }
    };
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), hide(&v)))
        .collect();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| {
            s.map(|seg| {
                if seg.len() >= 16 {
                    hide(seg)
                } else {
                    seg.to_owned()
                }
            })
            .collect()
        })
        .unwrap_or_default();
    if !segments.is_empty() {
        url.set_path(&segments.join("/"));
    }
    url.to_string().replace("%2A", "*")
}

/// A robot as the office sees it: never its secret, its address masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelView {
    pub id: i64,
    pub unit_id: i64,
    pub kind: Channel,
    pub name: Option<String>,
    pub url: String,
    pub signed: bool,
    pub active: bool,
    /// The platform's last permanent refusal (a wrong key or signature).
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<unit_channel::Model> for ChannelView {
    fn from(m: unit_channel::Model) -> Self {
        Self {
            id: m.id,
            unit_id: m.unit_id,
            kind: m.kind,
            name: m.name,
            url: masked_url(&m.url),
            signed: m.secret.is_some(),
            active: m.active,
            last_error: m.last_error,
            created_at: m.created_at,
        }
    }
}

async fn unit_exists(tx: &Tx<'_>, unit_id: i64) -> DomainResult<()> {
    unit::Entity::find_by_id(unit_id)
        .one(tx.conn())
        .await?
        .map(|_| ())
        .ok_or(DomainError::NotFound("unit"))
}

/// Adds a robot to a unit.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id, unit_id))]
pub async fn add(ctx: &Ctx<'_>, unit_id: i64, new: NewChannel) -> DomainResult<ChannelView> {
    ctx.write(async |tx| {
        ensure_directory(tx.actor, DirectoryAction::ManageChannels)?;
        unit_exists(tx, unit_id).await?;
        let m = unit_channel::ActiveModel {
            unit_id: Set(unit_id),
            name: Set(new.name.clone()),
            kind: Set(new.kind),
            url: Set(new.url.clone()),
            secret: Set(new.secret.clone()),
            active: Set(true),
            last_error: Set(None),
            created_at: Set(tx.now),
            created_by: Set(Some(tx.actor.user_id)),
            window_started_at: Set(None),
            window_sends: Set(0),
            paused_until: Set(None),
            ..Default::default()
        }
        .insert(tx.conn())
        .await?;
        audit::record(
            tx.conn(),
            Some(tx.actor),
            tx.now,
            Change::new(AuditEntity::Channel, m.id, AuditAction::Create).after(json!({
                "unit_id": unit_id,
                "kind": new.kind,
                "name": new.name,
                "url": masked_url(&new.url),
                "signed": new.secret.is_some(),
            })),
        )
        .await?;
        Ok(ChannelView::from(m))
    })
    .await
}

/// A unit's robots, oldest first.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id, unit_id))]
pub async fn list(ctx: &Ctx<'_>, unit_id: i64) -> DomainResult<Vec<ChannelView>> {
    ensure_directory(ctx.actor, DirectoryAction::ManageChannels)?;
    unit::Entity::find_by_id(unit_id)
        .one(ctx.db().conn())
        .await?
        .ok_or(DomainError::NotFound("unit"))?;
    Ok(unit_channel::Entity::find()
        .filter(unit_channel::Column::UnitId.eq(unit_id))
        .filter(unit_channel::Column::Active.eq(true))
        .order_by_asc(unit_channel::Column::Id)
        .all(ctx.db().conn())
        .await?
        .into_iter()
        .map(ChannelView::from)
        .collect())
}

/// Removes a robot: nothing more is posted there; what was sent stays on
/// record. Messages still waiting for it are not sent.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id, unit_id, channel_id))]
pub async fn remove(ctx: &Ctx<'_>, unit_id: i64, channel_id: i64) -> DomainResult<()> {
    ctx.write(async |tx| {
        ensure_directory(tx.actor, DirectoryAction::ManageChannels)?;
        let m = unit_channel::Entity::find_by_id(channel_id)
            .filter(unit_channel::Column::UnitId.eq(unit_id))
            .filter(unit_channel::Column::Active.eq(true))
            .one(tx.conn())
            .await?
            .ok_or(DomainError::NotFound("channel"))?;
        let mut am: unit_channel::ActiveModel = m.into();
        am.active = Set(false);
        am.update(tx.conn()).await?;
        audit::record(
            tx.conn(),
            Some(tx.actor),
            tx.now,
            Change::new(AuditEntity::Channel, channel_id, AuditAction::Delete),
        )
        .await?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_are_robots() {
        for bad in [
            "file:///etc/passwd",
            "ftp://robot.example/x",
            "javascript:alert(1)",
            "https://user:pw@oapi.dingtalk.com/robot/send",
            "https://",
            "",
            "not a url",
        ] {
            assert!(
                NewChannel::parse(Channel::Dingtalk, bad, None, None).is_err(),
                "{bad}"
            );
        }
        let ok = NewChannel::parse(
            Channel::Dingtalk,
            " https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789 ",
            Some("SEC123"),
            Some("民政局工作群"),
        )
        .unwrap();
        assert_eq!(
            ok.url,
            "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789"
        );
        assert!(!format!("{ok:?}").contains("SEC123"), "no secret in Debug");
        assert!(!format!("{ok:?}").contains("abcdef0123"), "no key in Debug");
    }

    #[test]
    fn wecom_robots_have_no_secret_and_email_is_no_robot() {
        assert!(
            NewChannel::parse(
                Channel::Wecom,
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                Some("s"),
                None
            )
            .is_err()
        );
        assert!(NewChannel::parse(Channel::Email, "https://x.example/", None, None).is_err());
    }

    #[test]
    fn keys_are_masked_to_their_last_characters() {
        assert_eq!(
            masked_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789"),
            "https://oapi.dingtalk.com/robot/send?access_token=****6789"
        );
        assert_eq!(
            masked_url(
                "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
            ),
            "https://open.feishu.cn/open-apis/bot/v2/hook/****6789"
        );
        assert_eq!(
            masked_url("http://127.0.0.1:9/wecom?key=k1"),
            "http://127.0.0.1:9/wecom?key=****"
        );
    }
}
