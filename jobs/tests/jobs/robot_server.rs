//! A stand-in for the DingTalk, WeCom and Feishu robot webhooks: a small
//! HTTP/1.1 server over real TCP that checks each platform's signature the
//! way the platform does, keeps what it accepts, and can be stopped
//! (connections refused) or told to answer the next calls with a
//! platform's error code.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub const DING_SECRET: &str = "SECa1b2c3d4e5f6";
pub const FEISHU_SECRET: &str = "fs-secret-123";

/// One message a robot accepted.
#[derive(Debug, Clone)]
pub struct Posted {
    /// `/dingtalk`, `/wecom` or `/feishu` (plus anything after, e.g. `/dingtalk/2`).
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Value,
    /// Whether the signature is the one the platform would compute; None
    /// for WeCom, which signs nothing.
    pub signed: Option<bool>,
    /// The signature's timestamp, in milliseconds.
    pub timestamp_ms: Option<i64>,
}

impl Posted {
    /// The message's text, whatever the platform's shape.
    pub fn text(&self) -> String {
        let b = &self.body;
        [
            &b["markdown"]["text"],
            &b["markdown"]["content"],
            &b["card"]["elements"][0]["content"],
        ]
        .iter()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join("\n")
    }
}

#[derive(Debug, Default)]
struct State {
    posted: Vec<Posted>,
    /// Answers for the next calls, before any message is kept: (HTTP status, body).
    refuse: VecDeque<(u16, Value)>,
    calls: usize,
}

pub struct RobotServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl RobotServer {
    pub async fn start() -> RobotServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = RobotServer {
            port: listener.local_addr().unwrap().port(),
            state: Arc::default(),
            task: Mutex::new(None),
        };
        server.serve(listener);
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn serve(&self, listener: TcpListener) {
        let state = self.state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(exchange(stream, state.clone()));
            }
        });
        *self.task.lock().unwrap() = Some(task);
    }

    /// Closes the port: connections are refused until [`RobotServer::restart`].
    pub async fn stop(&self) {
        let task = self.task.lock().unwrap().take();
        if let Some(t) = task {
            t.abort();
            let _ = t.await;
        }
    }

    pub async fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }

    /// The next call is answered so (and nothing is kept).
    pub fn refuse_next(&self, status: u16, body: Value) {
        self.state.lock().unwrap().refuse.push_back((status, body));
    }

    pub fn posted(&self) -> Vec<Posted> {
        self.state.lock().unwrap().posted.clone()
    }

    pub fn posted_to(&self, path: &str) -> Vec<Posted> {
        self.posted()
            .into_iter()
            .filter(|p| p.path == path)
            .collect()
    }

    /// Every call, refused or not.
    pub fn calls(&self) -> usize {
        self.state.lock().unwrap().calls
    }
}

impl Drop for RobotServer {
    fn drop(&mut self) {
        if let Some(t) = self.task.lock().unwrap().take() {
            t.abort();
        }
    }
}

fn hmac_b64(key: &[u8], msg: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(msg);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn exchange(stream: TcpStream, state: Arc<Mutex<State>>) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let mut request_line = String::new();
    if r.read_line(&mut request_line).await.unwrap_or(0) == 0 {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if r.read_exact(&mut body).await.is_err() {
        return;
    }
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, reply) = {
        let mut s = state.lock().unwrap();
        s.calls += 1;
        match s.refuse.pop_front() {
            Some(r) => r,
            None => {
                let (signed, timestamp_ms) = check_signature(path, &query, &body);
                s.posted.push(Posted {
                    path: path.to_owned(),
                    query,
                    body,
                    signed,
                    timestamp_ms,
                });
                if path.starts_with("/feishu") {
                    (200, json!({"code": 0, "msg": "success", "data": {}}))
                } else {
                    (200, json!({"errcode": 0, "errmsg": "ok"}))
                }
            }
        }
    };
    let out = reply.to_string();
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        out.len()
    );
    let _ = w.write_all(head.as_bytes()).await;
    let _ = w.write_all(out.as_bytes()).await;
    let _ = w.shutdown().await;
}

/// As the platforms check: DingTalk HMAC-SHA256 of "timestamp\nsecret" with
/// the secret, milliseconds, on the URL; Feishu HMAC-SHA256 of nothing with
/// "timestamp\nsecret" as the key, seconds, in the body.
fn check_signature(
    path: &str,
    query: &HashMap<String, String>,
    body: &Value,
) -> (Option<bool>, Option<i64>) {
    if path.starts_with("/dingtalk") {
        let (Some(ts), Some(sign)) = (query.get("timestamp"), query.get("sign")) else {
            return (Some(false), None);
        };
        let want = hmac_b64(
            DING_SECRET.as_bytes(),
            format!("{ts}\n{DING_SECRET}").as_bytes(),
        );
        (Some(*sign == want), ts.parse().ok())
    } else if path.starts_with("/feishu") {
        let (Some(ts), Some(sign)) = (body["timestamp"].as_str(), body["sign"].as_str()) else {
            return (Some(false), None);
        };
        let want = hmac_b64(format!("{ts}\n{FEISHU_SECRET}").as_bytes(), b"");
        (Some(sign == want), ts.parse::<i64>().ok().map(|s| s * 1000))
    } else {
        (None, None)
    }
}
