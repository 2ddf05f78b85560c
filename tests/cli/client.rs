//! Everyday HTTP-client behaviour: TLS trust, redirects and credentials, netrc, proxies, and
//! the `--json` shape scripts rely on.

use crate::support::fake_server::{FakeServer, Quirks};
use crate::support::{Env, assert_code, stderr};

/// A CA, and a server certificate for `localhost` signed by it.
struct Pki {
    ca_pem: String,
    server: rustls::ServerConfig,
}

fn pki() -> Pki {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "ifmatch test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
        .unwrap();
    Pki { ca_pem: ca.pem(), server }
}

fn tls_server() -> (FakeServer, String) {
    let pki = pki();
    let server = FakeServer::start_tls(Quirks::default(), pki.server);
    server.put_resource("/doc.json", b"{\"tls\": true}\n", "application/json");
    (server, pki.ca_pem)
}

#[test]
fn tls_needs_the_ca_and_works_with_cacert() {
    let env = Env::new();
    let (server, ca_pem) = tls_server();
    let url = server.https_url("/doc.json");

    let out = env.run(&["get", &url]);
    assert_code(&out, 7);
    assert!(stderr(&out).to_lowercase().contains("certificate"), "{}", stderr(&out));

    let ca = env.path("ca.pem");
    std::fs::write(&ca, &ca_pem).unwrap();
    let out = env.run(&["get", &url, "--cacert", ca.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"{\"tls\": true}\n");

    let out = env.run_with_stdin(&["put", &url, "--cacert", ca.to_str().unwrap()], b"{\"tls\": 2}\n");
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT")[0].header("if-match"), Some("\"v1\""));

    let out = env.run(&["get", &url, "-k"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("--insecure"), "a warning: {}", stderr(&out));
}

/// The system's CA certificates are loaded only when a request needs TLS: a plain-HTTP run
/// works where they are missing (a slim container), and an https run there says what to do.
#[test]
fn plain_http_needs_no_system_ca_store_and_https_without_one_says_what_to_do() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"plain\": true}\n", "application/json");
    let missing = env.path("no-ca-store");
    let without_store = |args: &[&str]| {
        env.cmd(args).env("SSL_CERT_FILE", &missing).env("SSL_CERT_DIR", &missing).output().unwrap()
    };

    let out = without_store(&["get", &server.url("/doc.json")]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"{\"plain\": true}\n");
    let out = env.run_with_stdin(&["put", &server.url("/doc.json")], b"{\"plain\": 2}\n");
    assert_code(&out, 0);

    let (tls, _) = tls_server();
    let out = without_store(&["get", &tls.https_url("/doc.json")]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("could not set up TLS for https://"), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint: install the system's CA certificates"), "{}", stderr(&out));
    assert!(tls.requests().is_empty(), "nothing was sent");
}

/// A redirect from plain HTTP to https is followed over TLS, with the CA given for it.
#[test]
fn a_redirect_from_http_to_https_is_followed_over_tls() {
    let env = Env::new();
    let (tls, ca_pem) = tls_server();
    let plain = FakeServer::start(Quirks::default());
    plain.redirect("/doc.json", 301, &tls.https_url("/doc.json"));
    let ca = env.path("ca.pem");
    std::fs::write(&ca, &ca_pem).unwrap();

    let out = env.run(&["get", &plain.url("/doc.json"), "--cacert", ca.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"{\"tls\": true}\n");
    assert_eq!(tls.requests_with("GET").len(), 1);

    // Without the CA the hop over TLS is refused like any unverified certificate.
    let out = env.run(&["get", &plain.url("/doc.json")]);
    assert_code(&out, 7);
    assert!(stderr(&out).to_lowercase().contains("certificate"), "{}", stderr(&out));
}

#[test]
fn cacert_that_is_not_pem_is_a_usage_error() {
    let env = Env::new();
    let bad = env.path("bad.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let out = env.run(&["get", "https://localhost:1/x", "--cacert", bad.to_str().unwrap()]);
    assert_code(&out, 2);
    assert!(stderr(&out).contains("hint:"));
}

#[test]
fn cross_origin_redirect_drops_credentials() {
    let env = Env::new();
    let origin = FakeServer::start(Quirks::default());
    let other = FakeServer::start(Quirks::default());
    other.put_resource("/doc.json", b"moved\n", "text/plain");
    origin.put_resource("/same.json", b"same\n", "text/plain");
    origin.redirect("/doc.json", 302, &other.url("/doc.json"));
    origin.redirect("/old.json", 301, "/same.json");

    let out = env.run(&["get", &origin.url("/doc.json"), "-u", "alice:secret"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"moved\n");
    assert!(origin.requests()[0].header("authorization").is_some());
    assert_eq!(other.requests()[0].header("authorization"), None, "credentials never go to another origin");

    let out = env.run(&["get", &origin.url("/old.json"), "-u", "alice:secret"]);
    assert_code(&out, 0);
    let last = origin.requests().pop().unwrap();
    assert_eq!(last.path, "/same.json");
    assert!(last.header("authorization").is_some(), "same origin keeps them");
}

#[test]
fn redirect_limit_is_enforced() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.redirect("/loop", 302, "/loop");
    let out = env.run(&["get", &server.url("/loop"), "--max-redirects", "3"]);
    assert_code(&out, 1);
    assert!(stderr(&out).contains("redirected more than 3 times"), "{}", stderr(&out));
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn writes_are_never_silently_retargeted() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/new.json", b"{}", "application/json");
    server.redirect("/old.json", 308, "/new.json");
    let out = env.run_with_stdin(&["put", &server.url("/old.json"), "--if-match", "\"v1\""], b"{\"a\":1}");
    assert_code(&out, 1);
    assert!(
        stderr(&out).contains("/new.json") && stderr(&out).contains("--follow-writes"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.body("/new.json").unwrap(), b"{}", "nothing written");

    let out = env.run_with_stdin(
        &["put", &server.url("/old.json"), "--if-match", "\"v1\"", "--follow-writes"],
        b"{\"a\":1}",
    );
    assert_code(&out, 0);
    assert_eq!(server.body("/new.json").unwrap(), b"{\"a\":1}");
    let put = server.requests_with("PUT").pop().unwrap();
    assert_eq!((put.path.as_str(), put.header("if-match")), ("/new.json", Some("\"v1\"")));
}

#[test]
fn netrc_supplies_credentials_for_its_host() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"x", "text/plain");
    let netrc = env.path("netrc");
    std::fs::write(&netrc, "machine 127.0.0.1 login alice password wonder\n").unwrap();
    let out = env.cmd(&["get", &server.url("/doc.json"), "--netrc"]).env("NETRC", &netrc).output().unwrap();
    assert_code(&out, 0);
    // base64("alice:wonder")
    assert_eq!(server.requests()[0].header("authorization"), Some("Basic YWxpY2U6d29uZGVy"));
    // Without --netrc the file is not read.
    let out = env.cmd(&["get", &server.url("/doc.json")]).env("NETRC", &netrc).output().unwrap();
    assert_code(&out, 0);
    assert_eq!(server.requests()[1].header("authorization"), None);
}

#[test]
fn proxy_receives_the_absolute_url() {
    let env = Env::new();
    let proxy = FakeServer::start(Quirks::default());
    proxy.put_resource("http://origin.invalid/doc.json", b"via proxy\n", "text/plain");
    let out = env.run(&["get", "http://origin.invalid/doc.json", "--proxy", &proxy.url("")]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"via proxy\n");
    assert_eq!(proxy.requests()[0].path, "http://origin.invalid/doc.json");
    // --noproxy bypasses it (and then the made-up host cannot be resolved: exit 7).
    let out = env.run(&[
        "get",
        "http://origin.invalid/doc.json",
        "--proxy",
        &proxy.url(""),
        "--noproxy",
        "origin.invalid",
    ]);
    assert_code(&out, 7);
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn json_reports_have_a_stable_shape() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.json", b"{\"a\":1}", "application/json");
    let url = server.url("/doc.json");
    let keys = |out: &std::process::Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
        v.as_object().unwrap().keys().cloned().collect()
    };
    let get = env.run(&["get", &url, "-o", env.path("doc.json").to_str().unwrap(), "--json"]);
    assert_code(&get, 0);
    let expected = [
        "command",
        "url",
        "outcome",
        "status",
        "etag_before",
        "etag",
        "attempts",
        "bytes",
        "retries",
        "cache",
        "refetch",
        "write_probe_verdict",
        "conflicts",
    ];
    assert_eq!(keys(&get), expected);
    let v: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(
        (v["command"].as_str(), v["outcome"].as_str(), v["bytes"].as_u64()),
        (Some("get"), Some("fetched"), Some(7))
    );

    let put = env.run_with_stdin(&["put", &url, "--json"], b"{\"a\":2}");
    assert_code(&put, 0);
    assert_eq!(keys(&put), expected);

    server.put_resource("/doc.json", b"{\"a\":3}", "application/json");
    let failed = env.run_with_stdin(&["put", &url, "--json"], b"{\"a\":4}");
    assert_code(&failed, 3);
    let v: serde_json::Value = serde_json::from_slice(&failed.stdout).unwrap();
    assert_eq!(v["outcome"], "error");
    assert_eq!(v["exit_code"], 3);
    assert_eq!(v["error"]["kind"], "conflict");
    assert!(std::path::Path::new(v["recovered"].as_str().unwrap()).exists());
    // Which values collided, and what each side holds there.
    assert_eq!((v["command"].as_str(), v["url"].as_str()), (Some("put"), Some(url.as_str())));
    assert_eq!(v["conflicts"], serde_json::json!([{"path": "/a", "base": 2, "mine": 4, "theirs": 3}]));
}

#[test]
fn get_to_a_file_is_atomic_and_byte_exact() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    server.put_resource("/blob.bin", &body, "application/octet-stream");
    let file = env.path("blob.bin");
    let out = env.run(&["get", &server.url("/blob.bin"), "-o", file.to_str().unwrap()]);
    assert_code(&out, 0);
    assert!(std::fs::read(&file).unwrap() == body);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &server.url("/blob.bin"), "--json"]).stdout)
            .unwrap();
    assert_eq!(show["base_len"], body.len());
}

#[test]
fn large_put_streams_and_conflicts_leave_the_file_alone() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    let big: Vec<u8> = (0..9_000_000u32).map(|i| (i % 253) as u8).collect();
    let file = env.path("big.bin");
    std::fs::write(&file, &big).unwrap();
    let url = server.url("/big.bin");

    let out = env.run(&["put", &url, file.to_str().unwrap(), "--force", "--json"]);
    assert_code(&out, 0);
    assert!(stderr(&out).contains("streamed"), "{}", stderr(&out));
    let put = &server.requests_with("PUT")[0];
    assert_eq!(put.header("content-length"), Some("9000000"));
    assert!(server.body("/big.bin").unwrap() == big);
    let show: serde_json::Value =
        serde_json::from_slice(&env.run(&["state", "show", &url, "--json"]).stdout).unwrap();
    assert_eq!((show["etag"].as_str(), show["base_len"].as_u64()), (Some("\"v1\""), Some(9_000_000)));

    // Someone else replaces it; a put with a stale explicit ETag cannot merge a file this big.
    server.put_resource("/big.bin", b"theirs", "application/octet-stream");
    let out = env.run(&["put", &url, file.to_str().unwrap(), "--if-match", "\"v1\""]);
    assert_code(&out, 3);
    assert!(stderr(&out).contains("is unchanged"), "{}", stderr(&out));
    assert_eq!(server.body("/big.bin").unwrap(), b"theirs");
    assert!(env.recovered().is_empty(), "the user's own file is the copy; nothing to recover");

    let out =
        env.run(&["put", &url, file.to_str().unwrap(), "--if-match", "\"v1\"", "--on-conflict", "overwrite"]);
    assert_code(&out, 0);
    assert_eq!(server.requests_with("PUT").last().unwrap().header("if-match"), Some("\"v2\""));
    assert!(server.body("/big.bin").unwrap() == big);
}

#[test]
fn output_to_a_fifo_or_dash_is_written_in_place() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", b"through the pipe\n", "text/plain");
    let fifo = env.path("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = env.run(&["get", &server.url("/doc.txt"), "-o", fifo.to_str().unwrap()]);
    assert_code(&out, 0);
    assert_eq!(reader.join().unwrap(), b"through the pipe\n");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "still a FIFO, not replaced by a file"
    );

    let out = env.run(&["get", &server.url("/doc.txt"), "-o", "-"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"through the pipe\n");
    assert!(!env.path("-").exists());
}

#[test]
fn output_to_dev_stdout_reaches_the_pipe() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", b"to the pipe\n", "text/plain");
    let out = env.run(&["get", &server.url("/doc.txt"), "-o", "/dev/stdout"]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"to the pipe\n");
}

#[test]
fn output_to_dev_stdout_appends_to_a_redirected_file() {
    let env = Env::new();
    let server = FakeServer::start(Quirks::default());
    server.put_resource("/doc.txt", b"body\n", "text/plain");
    let log = env.path("log.txt");
    std::fs::write(&log, b"line1 log\n").unwrap();
    let appended = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out =
        env.cmd(&["get", &server.url("/doc.txt"), "-o", "/dev/stdout"]).stdout(appended).output().unwrap();
    assert_code(&out, 0);
    assert_eq!(std::fs::read(&log).unwrap(), b"line1 log\nbody\n", "appended, not replaced");
}

#[test]
fn a_server_that_requires_a_client_certificate_gets_it_from_cert_and_key() {
    let env = Env::new();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "ifmatch test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let server_key = rcgen::KeyPair::generate().unwrap();
    let server_cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let client_key = rcgen::KeyPair::generate().unwrap();
    let client_cert = rcgen::CertificateParams::new(vec!["client".to_string()])
        .unwrap()
        .signed_by(&client_key, &ca)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder(std::sync::Arc::new(roots)).build().unwrap();
    let config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![server_cert.der().clone(), ca.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
        )
        .unwrap();
    let server = FakeServer::start_tls(Quirks::default(), config);
    server.put_resource("/doc.json", b"{\"mtls\": true}\n", "application/json");
    let url = server.https_url("/doc.json");
    let write = |name: &str, text: String| {
        let path = env.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let ca_file = write("ca.pem", ca.pem());
    let cert_file = write("client.pem", client_cert.pem());
    let key_file = write("client.key", client_key.serialize_pem());

    let out = env.run(&["get", &url, "--cacert", &ca_file]);
    assert_code(&out, 7);
    let out = env.run(&["get", &url, "--cacert", &ca_file, "--cert", &cert_file, "--key", &key_file]);
    assert_code(&out, 0);
    assert_eq!(out.stdout, b"{\"mtls\": true}\n");
}
