//! Real TLS for the tests: a certificate authority made once per test process, and an HTTPS
//! receiver on loopback whose certificate it signs. Every test server trusts that CA for its
//! webhook deliveries (`AppState::trusting_webhook_ca`), as an operator's server trusts the
//! public ones.

use std::sync::{Arc, Mutex, OnceLock};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

pub struct TestCa {
    /// The CA certificate, PEM: what clients trust.
    pub pem: String,
    /// `localhost`'s certificate and key, DER, signed by the CA.
    leaf: (Vec<u8>, Vec<u8>),
}

/// The test CA, and a certificate for `localhost` and 127.0.0.1 that it signed.
pub fn test_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Portal CMS tests CA");
        let ca = params.self_signed(&ca_key).expect("CA certificate");
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("leaf params")
            .signed_by(&leaf_key, &ca, &ca_key)
            .expect("leaf certificate");
        TestCa {
            pem: ca.pem(),
            leaf: (leaf.der().to_vec(), leaf_key.serialize_der()),
        }
    })
}

/// A server configuration with `localhost`'s certificate, signed by the test CA.
pub fn server_config() -> Arc<ServerConfig> {
    let ca = test_ca();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(ca.leaf.0.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ca.leaf.1.clone())),
        )
        .expect("server certificate");
    Arc::new(config)
}

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request line and headers, as sent.
    pub head: String,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// An HTTPS server on 127.0.0.1 that answers every request with `status` (and `extra_headers`,
/// raw `Name: value\r\n` lines) and keeps what it got.
pub struct HttpsReceiver {
    /// `https://localhost:<port>/hook`
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
}

impl HttpsReceiver {
    pub async fn start(status: u16, extra_headers: &str) -> HttpsReceiver {
        let acceptor = TlsAcceptor::from(server_config());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let port = listener.local_addr().expect("bound").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let store = got.clone();
        let response = format!(
            "HTTP/1.1 {status} Test\r\n{extra_headers}content-length: 0\r\nconnection: close\r\n\r\n"
        );
        actix_web::rt::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let store = store.clone();
                let response = response.clone();
                actix_web::rt::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    if let Some(received) = read_request(&mut tls).await {
                        store.lock().expect("receiver lock").push(received);
                    }
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        HttpsReceiver {
            url: format!("https://localhost:{port}/hook"),
            got,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().expect("receiver lock").clone()
    }
}

async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0_u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_string();
            let received = Received {
                head,
                body: String::new(),
            };
            let length: usize = received
                .header("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]).to_string();
                return Some(Received { body, ..received });
            }
        }
        if data.len() > 1 << 20 {
            return None;
        }
    }
}
