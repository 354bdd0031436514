//! Posting to a group robot: DingTalk (钉钉), WeCom (企业微信) or Feishu (飞书).
//! Each platform has its own body, its own signature and its own way of
//! saying no; this module builds the request and reads the answer into what
//! the outbox does next: done, try again later, or give up and tell the
//! admins. The HTTP client never follows a redirect and every call has a
//! timeout.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use duban_domain::entities::notification::Channel;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

/// `[jobs.robots]`: how hard the dispatcher may push each robot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RobotSettings {
    /// Messages per robot per minute (DingTalk allows about 20).
    pub per_minute: u32,
    /// Bounds each whole call.
    pub timeout_secs: u64,
    /// Items listed in one robot message; more go out as further messages.
    pub items_per_message: usize,
}

impl Default for RobotSettings {
    fn default() -> Self {
        Self {
            per_minute: 20,
            timeout_secs: 10,
            items_per_message: 10,
        }
    }
}

impl RobotSettings {
    pub fn problems(&self, key: &str) -> Vec<String> {
        let mut p = Vec::new();
        if !(1..=600).contains(&self.per_minute) {
            p.push(format!("{key}.per_minute must be between 1 and 600"));
        }
        if !(1..=120).contains(&self.timeout_secs) {
            p.push(format!("{key}.timeout_secs must be between 1 and 120"));
        }
        if !(1..=50).contains(&self.items_per_message) {
            p.push(format!("{key}.items_per_message must be between 1 and 50"));
        }
        p
    }
}

/// One robot to post to.
pub(crate) struct Robot<'a> {
    pub kind: Channel,
    pub url: &'a str,
    pub secret: Option<&'a str>,
}

/// What the platform's answer means for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Accepted,
    /// Try again after the backoff; `slow_down` when the platform said we
    /// sent too fast (the robot is then paused for a minute).
    Retry {
        error: String,
        slow_down: bool,
    },
    /// It will not work until someone fixes the robot (key, signature,
    /// keyword rules, a removed robot): give up and tell the admins.
    Refused(String),
}

/// WeCom refuses markdown over 4,096 bytes; the others allow more but a
/// group reads short messages.
const WECOM_MAX_BYTES: usize = 4096;
const MAX_BYTES: usize = 16 * 1024;

/// Cuts markdown at a line boundary to fit `max` bytes, saying so.
fn fit(markdown: &str, max: usize) -> String {
    if markdown.len() <= max {
        return markdown.to_owned();
    }
    let note = "\n\n……内容较多，请在督办系统中查看全部。";
    let mut out = String::new();
    for line in markdown.lines() {
        if out.len() + line.len() + 1 + note.len() > max {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(note);
    out
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    // HMAC takes a key of any length; new_from_slice cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(message);
    BASE64.encode(mac.finalize().into_bytes())
}

/// The address to post to and the JSON body, signed as the platform wants:
/// DingTalk signs `timestamp\nsecret` with the secret (milliseconds, on the
/// URL); Feishu signs nothing with `timestamp\nsecret` as the key (seconds,
/// in the body); WeCom's key is in the address. `wall` is the real time:
/// the platforms reject signatures more than an hour off.
pub(crate) fn request(
    robot: &Robot<'_>,
    title: &str,
    markdown: &str,
    wall: DateTime<Utc>,
) -> (String, Value) {
    match robot.kind {
        Channel::Dingtalk => {
            let mut url = robot.url.to_owned();
            if let Some(secret) = robot.secret {
                let ts = wall.timestamp_millis();
                let sign = hmac_base64(secret.as_bytes(), format!("{ts}\n{secret}").as_bytes());
                let sign: String = form_urlencoded::byte_serialize(sign.as_bytes()).collect();
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(&format!("timestamp={ts}&sign={sign}"));
            }
            let text = fit(&format!("#### {title}\n\n{markdown}"), MAX_BYTES);
            (
                url,
                json!({"msgtype": "markdown", "markdown": {"title": title, "text": text}}),
            )
        }
        Channel::Wecom => {
            let content = fit(&format!("**{title}**\n\n{markdown}"), WECOM_MAX_BYTES);
            (
                robot.url.to_owned(),
                json!({"msgtype": "markdown", "markdown": {"content": content}}),
            )
        }
        Channel::Feishu | Channel::Email => {
            let mut body = json!({
                "msg_type": "interactive",
                "card": {
                    "config": {"wide_screen_mode": true},
                    "header": {"title": {"tag": "plain_text", "content": title}, "template": "red"},
                    "elements": [{"tag": "markdown", "content": fit(markdown, MAX_BYTES)}],
                },
            });
            if let Some(secret) = robot.secret {
                let ts = wall.timestamp();
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(hmac_base64(format!("{ts}\n{secret}").as_bytes(), b""));
            }
            (robot.url.to_owned(), body)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Reply {
    errcode: Option<i64>,
    errmsg: Option<String>,
    code: Option<i64>,
    msg: Option<String>,
    #[serde(rename = "StatusCode")]
    status_code: Option<i64>,
    #[serde(rename = "StatusMessage")]
    status_message: Option<String>,
}

/// Reads the platform's answer: its own code, not just the HTTP status.
pub(crate) fn read_answer(kind: Channel, status: u16, body: &[u8]) -> Answer {
    let name = kind.label();
    if status == 429 {
        return Answer::Retry {
            error: format!("{name}：HTTP 429，发送过快"),
            slow_down: true,
        };
    }
    if status >= 500 {
        return Answer::Retry {
            error: format!("{name}：HTTP {status}，服务暂不可用"),
            slow_down: false,
        };
    }
    if (300..400).contains(&status) {
        return Answer::Refused(format!(
            "{name}：机器人地址返回跳转 (HTTP {status})，请检查地址"
        ));
    }
    if status >= 400 {
        return Answer::Refused(format!("{name}：HTTP {status}，请检查机器人地址"));
    }
    let Ok(reply) = serde_json::from_slice::<Reply>(body) else {
        return Answer::Retry {
            error: format!("{name}：无法读取平台的应答"),
            slow_down: false,
        };
    };
    let code = reply.errcode.or(reply.code).or(reply.status_code);
    let message = reply
        .errmsg
        .or(reply.msg)
        .or(reply.status_message)
        .unwrap_or_default();
    let Some(code) = code else {
        return Answer::Retry {
            error: format!("{name}：平台的应答中没有结果代码"),
            slow_down: false,
        };
    };
    if code == 0 {
        return Answer::Accepted;
    }
    let error = format!("{name}返回 {code}：{message}");
    // Each platform's "too fast": DingTalk 130101 (about 20 a minute per
    // robot), WeCom 45009, Feishu 11232; -1 is "busy, try later" on all.
    let too_fast = matches!(
        (kind, code),
        (Channel::Dingtalk, 130101) | (Channel::Wecom, 45009) | (Channel::Feishu, 11232)
    );
    if too_fast {
        Answer::Retry {
            error,
            slow_down: true,
        }
    } else if code == -1 {
        Answer::Retry {
            error,
            slow_down: false,
        }
    } else {
        Answer::Refused(error)
    }
}

/// The client every robot call goes through.
pub(crate) fn client(settings: &RobotSettings) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(settings.timeout_secs))
        .connect_timeout(Duration::from_secs(settings.timeout_secs.min(5)))
        .user_agent(concat!("duban/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Posts one message; a network failure or a timeout is a retry.
pub(crate) async fn post(
    client: &reqwest::Client,
    robot: &Robot<'_>,
    title: &str,
    markdown: &str,
    wall: DateTime<Utc>,
) -> Answer {
    let (url, body) = request(robot, title, markdown, wall);
    let name = robot.kind.label();
    match client.post(&url).json(&body).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(bytes) => read_answer(robot.kind, status, &bytes),
                Err(e) => Answer::Retry {
                    error: format!("{name}：读取应答失败：{}", without_url(&e)),
                    slow_down: false,
                },
            }
        }
        Err(e) => Answer::Retry {
            error: format!(
                "{name}：{}：{}",
                if e.is_timeout() {
                    "没有在时限内应答"
                } else {
                    "无法连接"
                },
                without_url(&e)
            ),
            slow_down: false,
        },
    }
}

/// A reqwest error names the URL, which carries the robot's key: keep it
/// out of records and logs.
fn without_url(e: &reqwest::Error) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(source) = inner.source() {
        inner = source;
    }
    inner.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall() -> DateTime<Utc> {
        "2026-03-02T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn dingtalk_signs_timestamp_and_secret_on_the_url() {
        let robot = Robot {
            kind: Channel::Dingtalk,
            url: "https://oapi.dingtalk.com/robot/send?access_token=t",
            secret: Some("SEC000"),
        };
        let (url, body) = request(&robot, "【督办提醒】", "- 事项", wall());
        let ts = wall().timestamp_millis();
        let want = hmac_base64(b"SEC000", format!("{ts}\nSEC000").as_bytes());
        let want: String = form_urlencoded::byte_serialize(want.as_bytes()).collect();
        assert_eq!(
            url,
            format!(
                "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp={ts}&sign={want}"
            )
        );
        assert_eq!(body["msgtype"], "markdown");
        assert!(body["markdown"]["text"].as_str().unwrap().contains("事项"));
    }

    #[test]
    fn feishu_signs_in_the_body_with_the_key_made_of_timestamp_and_secret() {
        let robot = Robot {
            kind: Channel::Feishu,
            url: "https://open.feishu.cn/open-apis/bot/v2/hook/x",
            secret: Some("fs"),
        };
        let (url, body) = request(&robot, "标题", "内容", wall());
        assert_eq!(url, robot.url);
        let ts = wall().timestamp().to_string();
        assert_eq!(body["timestamp"], ts);
        assert_eq!(
            body["sign"],
            hmac_base64(format!("{ts}\nfs").as_bytes(), b"")
        );
        assert_eq!(body["msg_type"], "interactive");
    }

    #[test]
    fn wecom_markdown_fits_its_limit() {
        let robot = Robot {
            kind: Channel::Wecom,
            url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            secret: None,
        };
        let long = "- 一项很长的督办事项说明\n".repeat(500);
        let (_, body) = request(&robot, "标题", &long, wall());
        let content = body["markdown"]["content"].as_str().unwrap();
        assert!(content.len() <= WECOM_MAX_BYTES, "{}", content.len());
        assert!(content.ends_with("请在督办系统中查看全部。"));
    }

    #[test]
    fn answers_are_read_by_the_platforms_codes() {
        let ok = br#"{"errcode":0,"errmsg":"ok"}"#;
        assert_eq!(read_answer(Channel::Dingtalk, 200, ok), Answer::Accepted);
        assert_eq!(
            read_answer(Channel::Feishu, 200, br#"{"code":0,"msg":"success"}"#),
            Answer::Accepted
        );
        assert_eq!(
            read_answer(Channel::Feishu, 200, br#"{"StatusCode":0}"#),
            Answer::Accepted
        );
        assert!(matches!(
            read_answer(
                Channel::Dingtalk,
                200,
                br#"{"errcode":130101,"errmsg":"send too fast"}"#
            ),
            Answer::Retry {
                slow_down: true,
                ..
            }
        ));
        assert!(matches!(
            read_answer(Channel::Wecom, 200, br#"{"errcode":45009,"errmsg":"freq"}"#),
            Answer::Retry {
                slow_down: true,
                ..
            }
        ));
        assert!(matches!(
            read_answer(Channel::Wecom, 200, br#"{"errcode":-1,"errmsg":"busy"}"#),
            Answer::Retry {
                slow_down: false,
                ..
            }
        ));
        assert!(matches!(
            read_answer(Channel::Dingtalk, 503, b""),
            Answer::Retry { .. }
        ));
        assert!(matches!(
            read_answer(Channel::Dingtalk, 429, b""),
            Answer::Retry {
                slow_down: true,
                ..
            }
        ));
        assert!(matches!(
            read_answer(Channel::Dingtalk, 200, b"<html>"),
            Answer::Retry { .. }
        ));
        // A wrong signature, a bad key, a removed robot: nobody will read it
        // until someone fixes the robot.
        for (kind, body) in [
            (Channel::Dingtalk, &br#"{"errcode":310000,"errmsg":"sign not match"}"#[..]),
            (Channel::Wecom, br#"{"errcode":93000,"errmsg":"invalid webhook url"}"#),
            (Channel::Feishu, br#"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#),
        ] {
            assert!(matches!(read_answer(kind, 200, body), Answer::Refused(_)), "{kind:?}");
        }
        assert!(matches!(
            read_answer(Channel::Feishu, 302, b""),
            Answer::Refused(_)
        ));
        assert!(matches!(
            read_answer(Channel::Feishu, 404, b""),
            Answer::Refused(_)
        ));
    }
}
