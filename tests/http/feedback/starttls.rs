//! E-mail to citizens over STARTTLS (RFC 3207) to a mail server that requires it: the mailer
//! upgrades the connection and checks the server's certificate — refused under a CA it was not
//! told to trust, delivered under the one `PORTAL_SMTP_CA_FILE` names.

use diesel::prelude::*;
use portal_testkit::smtp::SmtpSink;
use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::case_body;

on_every_backend!(e_mail_goes_over_starttls_and_checks_the_servers_certificate);

const FROM: &str = "Cổng TTĐT Quảng Nam <no-reply@quangnam.gov.vn>";

async fn send_case(app: &TestApp, subject: &str) -> String {
    let mut body = case_body(subject);
    body["consent"]["email"] = json!(true);
    let res = app.post_json("/api/v1/feedback", &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["code"].as_str().unwrap().to_string()
}

async fn e_mail_goes_over_starttls_and_checks_the_servers_certificate(app: TestApp) {
    let sink = SmtpSink::start_requiring_tls();
    assert!(sink.url().ends_with("?tls=required"));
    // Only the public CAs: the test CA's certificate is refused, nothing is delivered, the
    // error is kept on the message.
    let untrusting = portal::worker::Mailer::new(&sink.url(), FROM).expect("a mailer");
    send_case(&app, "Hỏi lần một").await;
    let sent = portal::worker::run_mail_once(&app.state, &untrusting)
        .await
        .unwrap();
    assert_eq!(sent, 0);
    assert!(sink.messages().is_empty());
    let error: Option<String> = {
        use portal_db::schema::feedback_mail;
        feedback_mail::table
            .select(feedback_mail::last_error)
            .first(&mut *app.conn())
            .unwrap()
    };
    let error = error.unwrap_or_default().to_lowercase();
    assert!(
        error.contains("certificate") || error.contains("tls"),
        "{error}"
    );

    // Trusting the CA, as PORTAL_SMTP_CA_FILE makes it: delivered, encrypted.
    let trusting = portal::worker::Mailer::new(&sink.url(), FROM)
        .expect("a mailer")
        .trusting(&sink.url(), &portal_testkit::tls::test_ca().pem)
        .expect("the test CA");
    let code = send_case(&app, "Hỏi lần hai").await;
    let sent = portal::worker::run_mail_once(&app.state, &trusting)
        .await
        .unwrap();
    assert_eq!(
        sent, 1,
        "the second case's receipt (the first waits for its backoff)"
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].over_tls, "sent after STARTTLS");
    assert_eq!(messages[0].to, ["hoa.nguyen@example.vn"]);
    let subject = messages[0].header("Subject").unwrap();
    assert!(subject.is_ascii(), "{subject}");
    assert!(messages[0].data.contains(&code), "{}", messages[0].data);
}
