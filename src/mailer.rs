//! Sends the feedback outbox (`portal_feedback::mail`) over SMTP with lettre: plain text in
//! UTF-8, the Vietnamese subject encoded as RFC 2047 words by lettre, STARTTLS or TLS as the URL
//! says. Every replica may run it: each message is claimed in the database first.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portal_api::state::AppState;
use portal_api::ApiError;
use portal_feedback::mail::{self, Outgoing};

/// The SMTP transport and the sender, checked when the server starts.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the SMTP password: only the sender is shown.
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--mail-from/PORTAL_MAIL_FROM: not an address ({e})"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("--smtp-url/PORTAL_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self { transport, from })
    }

    /// Trusts a certificate authority besides the public ones for the SMTP server's certificate
    /// (`PORTAL_SMTP_CA_FILE`: a province's mail server under its own CA), with the TLS mode the
    /// URL asks for (`smtps://`, `?tls=required`, `?tls=opportunistic`).
    pub fn trusting(self, smtp_url: &str, ca_pem: &str) -> Result<Self, String> {
        use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
        let setting = "--smtp-url/PORTAL_SMTP_URL";
        let url = url::Url::parse(smtp_url).map_err(|e| format!("{setting}: {e}"))?;
        let host = url
            .host_str()
            .ok_or_else(|| format!("{setting}: names no host"))?
            .to_string();
        let certificate = Certificate::from_pem(ca_pem.as_bytes())
            .map_err(|e| format!("--smtp-ca-file/PORTAL_SMTP_CA_FILE: {e}"))?;
        let parameters = TlsParameters::builder(host)
            .add_root_certificate(certificate)
            .build_rustls()
            .map_err(|e| format!("--smtp-ca-file/PORTAL_SMTP_CA_FILE: {e}"))?;
        let mode = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let tls = match (url.scheme(), mode.as_deref()) {
            ("smtps", _) => Tls::Wrapper(parameters),
            (_, Some("required")) => Tls::Required(parameters),
            (_, Some("opportunistic")) => Tls::Opportunistic(parameters),
            // No TLS asked for: a CA changes nothing.
            _ => return Ok(self),
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("{setting}: {e}"))?
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self {
            transport,
            from: self.from,
        })
    }

    async fn send(&self, message: &Outgoing) -> Result<(), String> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| format!("the stored address is not one ({e})"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

/// Sends what is due, up to 50 messages; returns how many were sent.
pub async fn run_mail_once(state: &AppState, mailer: &Mailer) -> Result<usize, ApiError> {
    let key = state.data_key.clone();
    let due = state
        .db(move |conn| mail::claim_due(conn, &key, 50))
        .await?;
    let mut sent = 0;
    for message in due {
        let outcome = mailer.send(&message).await;
        if outcome.is_ok() {
            sent += 1;
        } else if let Err(e) = &outcome {
            log::warn!("e-mail for case {} not sent: {e}", message.case_code);
        }
        let id = message.id;
        state
            .db(move |conn| mail::record(conn, id, outcome))
            .await?;
    }
    Ok(sent)
}
