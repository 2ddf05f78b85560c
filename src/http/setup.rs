//! Building the client from the settings: timeouts, TLS trust and identity, proxies. Redirects
//! are left off in reqwest: [`Client`] follows them itself.
//!
//! There are two transports. Loading the system's CA certificates (a bundle and a directory of
//! a few hundred files, each parsed) is most of what a small `get` over plain HTTP would cost
//! otherwise, so the transport that speaks TLS is built the first time a request needs it: an
//! `https` URL, or any request when a proxy is reached over TLS. Everything the TLS transport
//! is made of (`--cacert`, `--cert`/`--key`, the proxies) is still read and checked up front,
//! so a mistake there is reported before anything is sent, whatever the URL.

use std::sync::OnceLock;
use std::time::Duration;

use url::Url;

use super::Client;
use super::wire::chain;
use crate::error::{Error, IoResultExt, Result};
use crate::settings::Settings;

/// What the TLS transport is built from, read and checked when the client is made.
pub(super) struct TlsSetup {
    /// `--cacert`: added to the system's roots.
    certs: Vec<reqwest::Certificate>,
    identity: Option<reqwest::Identity>,
    insecure: bool,
    /// The transport, once a request has needed it (or why it could not be built).
    transport: OnceLock<std::result::Result<reqwest::Client, String>>,
}

impl Client {
    /// Builds the client. Redirects are handled here, not by reqwest, so that credentials are
    /// dropped on a cross-origin hop and writes are never re-targeted.
    pub fn new(settings: &Settings) -> Result<Client> {
        // Installing twice is harmless: the second call reports an error we can ignore.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = tls(&settings.tls)?;
        // No roots and no system store: this transport is only ever given plain-HTTP requests
        // (see `transport`), so it never verifies a certificate.
        let plain = builder(settings.timeout, settings.proxy.as_deref(), settings.noproxy.as_deref())?
            .tls_certs_only(Vec::new())
            .build()
            .map_err(|e| Error::other(format!("could not set up the HTTP client: {}", chain(&e))))?;
        Ok(Client {
            plain,
            tls,
            timeout: settings.timeout,
            headers: settings.headers.clone(),
            auth: settings.auth.clone(),
            netrc: settings.netrc.clone(),
            verbose: settings.verbose,
            conflict_statuses: settings.conflict_statuses.clone(),
            max_redirects: settings.max_redirects,
            follow_writes: settings.follow_writes,
            proxy: settings.proxy.clone(),
            noproxy: settings.noproxy.clone(),
            retry: settings.retry,
            ui: crate::ui::Ui { color: settings.color },
            fetch_url: settings.fetch_url.clone(),
            state_dir: settings.state_dir.clone(),
        })
    }

    /// The transport for a request to `url`: the TLS one for `https`, and for every request
    /// when a proxy is reached over TLS (`https://` in `--proxy` or the environment's proxy
    /// variables, whichever reqwest would pick); else the plain one.
    pub(super) fn transport(&self, url: &Url) -> Result<&reqwest::Client> {
        if url.scheme() != "https" && !self.tls_proxy() {
            return Ok(&self.plain);
        }
        let setup = &self.tls;
        let built = setup.transport.get_or_init(|| {
            let mut builder = builder(self.timeout, self.proxy.as_deref(), self.noproxy.as_deref())
                .map_err(|e| e.to_string())?
                .tls_certs_merge(setup.certs.clone());
            if let Some(identity) = &setup.identity {
                builder = builder.identity(identity.clone());
            }
            if setup.insecure {
                builder = builder.tls_danger_accept_invalid_certs(true);
            }
            builder.build().map_err(|e| chain(&e))
        });
        built.as_ref().map_err(|cause| {
            Error::other(format!("could not set up TLS for {url}: {cause}")).with_hint(
                "install the system's CA certificates (the ca-certificates package), or give the server's CA with --cacert FILE",
            )
        })
    }

    /// Whether any proxy reqwest may use is itself reached over TLS.
    fn tls_proxy(&self) -> bool {
        let tls = |p: &str| p.trim_start().get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        match &self.proxy {
            Some(p) => tls(p),
            None => ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
                .iter()
                .any(|var| std::env::var(var).is_ok_and(|p| tls(&p))),
        }
    }

    /// The proxy a request to `url` goes through, as messages name it (without credentials):
    /// `--proxy`, else the environment's variable for the URL's scheme, unless `--noproxy` or
    /// `NO_PROXY` exempts the host.
    pub(super) fn proxy_for(&self, url: &Url) -> Option<String> {
        let env = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()).map(|v| (v, n.to_string())))
        };
        let (proxy, source) = match &self.proxy {
            Some(p) => (p.clone(), "--proxy".to_string()),
            None if url.scheme() == "https" => {
                env(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])?
            }
            None => env(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])?,
        };
        let exempt = match &self.noproxy {
            Some(list) => list.clone(),
            None => env(&["NO_PROXY", "no_proxy"]).map(|(v, _)| v).unwrap_or_default(),
        };
        let host = url.host_str().unwrap_or("").trim_matches(['[', ']']).to_ascii_lowercase();
        let bypassed = exempt
            .split(',')
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .any(|e| e == "*" || (!e.is_empty() && (host == e || host.ends_with(&format!(".{e}")))));
        if bypassed {
            return None;
        }
        let shown = match Url::parse(&proxy) {
            Ok(mut u) => {
                let _ = u.set_username("");
                let _ = u.set_password(None);
                u.to_string()
            }
            Err(_) => proxy,
        };
        Some(format!("{shown} (from {source})"))
    }
}

/// The client builder both transports start from: timeouts, user agent, proxies, no redirects.
fn builder(timeout: Duration, proxy: Option<&str>, noproxy: Option<&str>) -> Result<reqwest::ClientBuilder> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // --timeout bounds each wait, not the whole exchange: connecting, then every read
        // (the response head, each piece of the body). A large download that keeps
        // arriving is never cut off; a server that stalls for that long is.
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .user_agent(super::wire::USER_AGENT);
    if let Some(proxy) = proxy {
        let mut p = reqwest::Proxy::all(proxy).map_err(|e| {
            Error::usage(
                format!("--proxy {proxy}: {}", chain(&e)),
                "give a proxy URL such as http://proxy:3128",
            )
        })?;
        if let Some(hosts) = noproxy {
            p = p.no_proxy(reqwest::NoProxy::from_string(hosts));
        }
        builder = builder.proxy(p);
    } else if let Some(hosts) = noproxy {
        // Keep the environment's proxies but with these exceptions (replacing NO_PROXY, as
        // curl's --noproxy does). Adding any proxy turns reqwest's own env lookup off.
        let exceptions = reqwest::NoProxy::from_string(hosts);
        for var in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            if let Ok(url) = std::env::var(var)
                && !url.is_empty()
            {
                let proxy = if var.to_ascii_lowercase().starts_with("https") {
                    reqwest::Proxy::https(url.as_str())
                } else if var.to_ascii_lowercase().starts_with("http") {
                    reqwest::Proxy::http(url.as_str())
                } else {
                    reqwest::Proxy::all(url.as_str())
                };
                if let Ok(p) = proxy {
                    builder = builder.proxy(p.no_proxy(exceptions.clone()));
                }
            }
        }
    }
    Ok(builder)
}

/// Reads and checks `--cacert`, `--cert`/`--key` and `-k` for the TLS transport.
fn tls(tls: &crate::settings::Tls) -> Result<TlsSetup> {
    let read = |path: &std::path::Path| std::fs::read(path).context("read", path);
    let mut certs = Vec::new();
    if let Some(path) = &tls.cacert {
        certs = reqwest::Certificate::from_pem_bundle(&read(path)?).map_err(|e| {
            Error::usage(
                format!("--cacert {}: {}", path.display(), chain(&e)),
                "give a PEM file of CA certificates",
            )
        })?;
        if certs.is_empty() {
            return Err(Error::usage(
                format!("--cacert {} holds no certificate", path.display()),
                "give a PEM file with -----BEGIN CERTIFICATE----- blocks",
            ));
        }
    }
    let mut identity = None;
    if let Some(cert) = &tls.cert {
        let mut pem = read(cert)?;
        if let Some(key) = &tls.key {
            pem.push(b'\n');
            pem.extend(read(key)?);
        }
        identity = Some(reqwest::Identity::from_pem(&pem).map_err(|e| {
            Error::usage(
                format!("--cert {}: {}", cert.display(), chain(&e)),
                "give the certificate and its private key in PEM (--key FILE)",
            )
        })?);
    }
    if tls.insecure && !crate::ui::quiet() {
        stderrln!(
            "ifmatch: warning: --insecure: TLS certificates are not verified; anyone in the path can read and change this traffic"
        );
    }
    Ok(TlsSetup { certs, identity, insecure: tls.insecure, transport: OnceLock::new() })
}
