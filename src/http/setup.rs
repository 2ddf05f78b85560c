//! Building the client from the settings: timeouts, TLS trust and identity, proxies. Redirects
//! are left off in reqwest: [`Client`] follows them itself.

use url::Url;

use super::Client;
use super::wire::chain;
use crate::error::{Error, IoResultExt, Result};
use crate::settings::Settings;

impl Client {
    /// Builds the client. Redirects are handled here, not by reqwest, so that credentials are
    /// dropped on a cross-origin hop and writes are never re-targeted.
    pub fn new(settings: &Settings) -> Result<Client> {
        // Installing twice is harmless: the second call reports an error we can ignore.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // --timeout bounds each wait, not the whole exchange: connecting, then every read
            // (the response head, each piece of the body). A large download that keeps
            // arriving is never cut off; a server that stalls for that long is.
            .connect_timeout(settings.timeout)
            .read_timeout(settings.timeout)
            .user_agent(super::wire::USER_AGENT);
        builder = tls(builder, &settings.tls)?;
        if let Some(proxy) = &settings.proxy {
            let mut p = reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                Error::usage(
                    format!("--proxy {proxy}: {}", chain(&e)),
                    "give a proxy URL such as http://proxy:3128",
                )
            })?;
            if let Some(hosts) = &settings.noproxy {
                p = p.no_proxy(reqwest::NoProxy::from_string(hosts));
            }
            builder = builder.proxy(p);
        } else if let Some(hosts) = &settings.noproxy {
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
        let inner = builder
            .build()
            .map_err(|e| Error::other(format!("could not set up the HTTP client: {}", chain(&e))))?;
        Ok(Client {
            inner,
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

/// Applies `--cacert`, `--cert`/`--key` and `-k` to the builder.
fn tls(mut builder: reqwest::ClientBuilder, tls: &crate::settings::Tls) -> Result<reqwest::ClientBuilder> {
    let read = |path: &std::path::Path| std::fs::read(path).context("read", path);
    if let Some(path) = &tls.cacert {
        let certs = reqwest::Certificate::from_pem_bundle(&read(path)?).map_err(|e| {
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
        builder = builder.tls_certs_merge(certs);
    }
    if let Some(cert) = &tls.cert {
        let mut pem = read(cert)?;
        if let Some(key) = &tls.key {
            pem.push(b'\n');
            pem.extend(read(key)?);
        }
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
            Error::usage(
                format!("--cert {}: {}", cert.display(), chain(&e)),
                "give the certificate and its private key in PEM (--key FILE)",
            )
        })?;
        builder = builder.identity(identity);
    }
    if tls.insecure {
        if !crate::ui::quiet() {
            stderrln!(
                "ifmatch: warning: --insecure: TLS certificates are not verified; anyone in the path can read and change this traffic"
            );
        }
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    Ok(builder)
}
