//! A local SMTP server for the tests (RFC 5321, enough of it for a real client: greeting, EHLO,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; and STARTTLS, RFC 3207, with the test
//! CA's certificate for `localhost`), keeping what it receives. The app's mailer talks to it over
//! TCP exactly as it talks to the province's mail server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent: headers, blank line, body.
    pub data: String,
    /// Whether it came after STARTTLS, encrypted.
    pub over_tls: bool,
}

impl ReceivedMail {
    /// A header's raw value, folded lines joined.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

pub struct SmtpSink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    starttls: bool,
}

impl SmtpSink {
    /// Listens on a free loopback port until the test process ends; plain SMTP.
    pub fn start() -> SmtpSink {
        Self::listen(false)
    }

    /// Offers STARTTLS and refuses MAIL before it, as a mail server that requires TLS does.
    pub fn start_requiring_tls() -> SmtpSink {
        Self::listen(true)
    }

    fn listen(starttls: bool) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port for SMTP");
        let addr = listener.local_addr().expect("the SMTP port");
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &store, starttls);
                });
            }
        });
        SmtpSink {
            addr,
            received,
            starttls,
        }
    }

    /// What to configure the mailer with: plain on loopback, or STARTTLS required to
    /// `localhost`, the name the test CA's certificate is for.
    pub fn url(&self) -> String {
        if self.starttls {
            format!("smtp://localhost:{}?tls=required", self.addr.port())
        } else {
            format!("smtp://{}", self.addr)
        }
    }

    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.received.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

fn angle_address(argument: &str) -> String {
    let start = argument.find('<').map_or(0, |i| i + 1);
    let end = argument.rfind('>').unwrap_or(argument.len());
    argument.get(start..end).unwrap_or("").to_string()
}

fn session(
    stream: TcpStream,
    store: &Mutex<Vec<ReceivedMail>>,
    starttls: bool,
) -> std::io::Result<()> {
    let mut stream = stream;
    stream.write_all(b"220 portal-tests ESMTP\r\n")?;
    match commands(stream, store, starttls, false)? {
        None => Ok(()),
        Some(tcp) => {
            // RFC 3207: the handshake, then the session starts over (a new EHLO).
            let tls = tokio_rustls::rustls::ServerConnection::new(crate::tls::server_config())
                .map_err(std::io::Error::other)?;
            let stream = tokio_rustls::rustls::StreamOwned::new(tls, tcp);
            commands(stream, store, false, true).map(|_| ())
        }
    }
}

/// Runs commands until QUIT or the end; `Some(stream)` when the client asked for STARTTLS.
fn commands<S: Read + Write>(
    stream: S,
    store: &Mutex<Vec<ReceivedMail>>,
    offer_tls: bool,
    over_tls: bool,
) -> std::io::Result<Option<S>> {
    let mut lines = BufReader::new(stream);
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let out = lines.get_mut();
        let command = line.trim_end().to_string();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" if offer_tls => out.write_all(
                b"250-portal-tests\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n",
            )?,
            "EHLO" => out.write_all(b"250-portal-tests\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "STARTTLS" if offer_tls => {
                out.write_all(b"220 Ready to start TLS\r\n")?;
                out.flush()?;
                return Ok(Some(lines.into_inner()));
            }
            "MAIL" if offer_tls => out.write_all(b"530 Must issue a STARTTLS command first\r\n")?,
            "HELO" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "MAIL" => {
                from = angle_address(&command);
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                to.push(angle_address(&command));
                out.write_all(b"250 OK\r\n")?;
            }
            "RSET" => {
                from.clear();
                to.clear();
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                out.flush()?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(None);
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing (RFC 5321, 4.5.2).
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                if let Ok(mut all) = store.lock() {
                    all.push(ReceivedMail {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                        over_tls,
                    });
                }
                lines.get_mut().write_all(b"250 OK: queued\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                out.flush()?;
                return Ok(None);
            }
            _ => out.write_all(b"502 Command not implemented\r\n")?,
        }
        lines.get_mut().flush()?;
    }
}
