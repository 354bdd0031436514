//! A small SMTP server for the tests: speaks enough of RFC 5321 (EHLO/HELO,
//! MAIL, RCPT, DATA, RSET, NOOP, QUIT) over real TCP, keeps what it
//! accepts, and can be stopped (connections refused) or made to answer
//! with an error code to simulate faults.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
    pub message_id: String,
    pub subject: String,
    pub text: String,
}

/// How the server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Answer the end of DATA with this code (e.g. 451, 554).
    AfterData(u16),
    /// Take the whole message, then never answer: a server that hangs.
    StallAfterData,
}

#[derive(Debug)]
struct State {
    messages: Vec<Received>,
    fault: Fault,
}

pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
    /// Told each time a session stalls (the client is then mid-send).
    stalled: Arc<tokio::sync::Notify>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink {
            port,
            state: Arc::new(Mutex::new(State {
                messages: Vec::new(),
                fault: Fault::None,
            })),
            task: Mutex::new(None),
            stalled: Arc::new(tokio::sync::Notify::new()),
        };
        sink.serve(listener);
        sink
    }

    fn serve(&self, listener: TcpListener) {
        let state = self.state.clone();
        let stalled = self.stalled.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, state.clone(), stalled.clone()));
            }
        });
        *self.task.lock().unwrap() = Some(task);
    }

    /// Closes the port: connections are refused until [`SmtpSink::restart`].
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

    pub fn set_fault(&self, fault: Fault) {
        self.state.lock().unwrap().fault = fault;
    }

    /// Resolves once a session has taken a message and stalled (with
    /// [`Fault::StallAfterData`]): a client is then waiting mid-send.
    pub async fn stall(&self) {
        self.stalled.notified().await;
    }

    pub fn messages(&self) -> Vec<Received> {
        self.state.lock().unwrap().messages.clone()
    }

    /// Messages delivered to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(t) = self.task.lock().unwrap().take() {
            t.abort();
        }
    }
}

async fn session(stream: TcpStream, state: Arc<Mutex<State>>, stalled: Arc<tokio::sync::Notify>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if !say(&mut write, "220 sink.test ESMTP ready\r\n").await {
        return;
    }
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let upper = line.trim_end().to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned()
        } else if upper.starts_with("HELO") {
            "250 sink.test\r\n".to_owned()
        } else if upper.starts_with("MAIL FROM") {
            to.clear();
            "250 OK\r\n".to_owned()
        } else if upper.starts_with("RCPT TO") {
            let addr = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or("")
                .to_owned();
            to.push(addr);
            "250 OK\r\n".to_owned()
        } else if upper == "DATA" {
            if !say(&mut write, "354 end with <CRLF>.<CRLF>\r\n").await {
                return;
            }
            let mut raw = Vec::new();
            loop {
                let mut l = String::new();
                match lines.read_line(&mut l).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if l == ".\r\n" || l == ".\n" {
                    break;
                }
                let l = l.strip_prefix('.').unwrap_or(&l);
                raw.extend_from_slice(l.as_bytes());
            }
            let fault = state.lock().unwrap().fault;
            match fault {
                Fault::AfterData(code) => format!("{code} simulated failure\r\n"),
                Fault::StallAfterData => {
                    stalled.notify_one();
                    std::future::pending::<()>().await;
                    return;
                }
                Fault::None => {
                    let received = parse(std::mem::take(&mut to), raw);
                    state.lock().unwrap().messages.push(received);
                    "250 OK queued\r\n".to_owned()
                }
            }
        } else if upper == "RSET" || upper == "NOOP" {
            "250 OK\r\n".to_owned()
        } else if upper == "QUIT" {
            let _ = say(&mut write, "221 bye\r\n").await;
            return;
        } else {
            "502 command not implemented\r\n".to_owned()
        };
        if !say(&mut write, &reply).await {
            return;
        }
    }
}

async fn say(w: &mut tokio::net::tcp::OwnedWriteHalf, s: &str) -> bool {
    w.write_all(s.as_bytes()).await.is_ok()
}

fn parse(to: Vec<String>, raw: Vec<u8>) -> Received {
    let msg = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("a parsable message");
    Received {
        to,
        message_id: msg.message_id().unwrap_or_default().to_owned(),
        subject: msg.subject().unwrap_or_default().to_owned(),
        text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        raw: raw.clone(),
    }
}
