//! What every provider does — send one prompt, get text and token counts
//! back — and the HTTP they share: timeouts, and retries with exponential
//! backoff on 429 and 5xx that honour `Retry-After`.

use std::time::Duration;

use serde_json::Value;

/// One question as a provider sends it.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    /// JSON schema of the answer, for servers that enforce one.
    pub schema: Value,
    pub max_output_tokens: u32,
}

impl Prompt {
    /// Input tokens, estimated at four characters each, before a server
    /// counts them.
    pub fn input_estimate(&self) -> u64 {
        (self.system.len() + self.user.len()) as u64 / 4
    }
}

/// A provider's answer: the model's text and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// Why a call failed. [`CallError::is_fatal`] ones end the run: asking
/// again with the same settings cannot succeed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("{url} refused the request (HTTP {status}): check the key in {variable}")]
    Unauthorized { url: String, status: u16, variable: String },
    #[error("{url} answered HTTP {status}: {body}")]
    Status { url: String, status: u16, body: String },
    #[error("no answer from {url} within {seconds} s")]
    Timeout { url: String, seconds: u64 },
    #[error("cannot reach {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("unexpected answer from {url}: {message}")]
    Malformed { url: String, message: String },
    #[error("{url} redirects to {location}: set base_url to where the API is (a key is never sent on)")]
    Redirected { url: String, location: String },
}

impl CallError {
    /// A rejected key, an unknown model or URL, a redirect: every other
    /// question would fail the same way. A request the server refuses for
    /// its content (400, 413, 422: a prompt too long for the context) fails
    /// only that question.
    pub fn is_fatal(&self) -> bool {
        match self {
            CallError::Unauthorized { .. } | CallError::Redirected { .. } => true,
            CallError::Status { status, .. } => matches!(status, 404 | 405),
            _ => false,
        }
    }
}

/// A model behind an API.
pub trait Provider: Send + Sync {
    /// `openai` or `anthropic`, as in the configuration.
    fn name(&self) -> &'static str;
    fn model(&self) -> &str;
    /// The URL asked, which the cache keys verdicts by.
    fn endpoint(&self) -> &str;
    fn ask(&self, prompt: &Prompt) -> Result<Answer, CallError>;
}

/// How often and how long to wait before asking again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    pub first_delay: Duration,
    /// No wait is longer, whatever `Retry-After` says.
    pub longest_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { attempts: 4, first_delay: Duration::from_millis(500), longest_delay: Duration::from_secs(60) }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`: what the server asked for,
    /// else doubling from `first_delay`.
    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self.first_delay.saturating_mul(2u32.saturating_pow(attempt));
        retry_after.unwrap_or(backoff).min(self.longest_delay)
    }
}

/// A blocking HTTP client with one timeout per request.
pub struct Http {
    client: reqwest::blocking::Client,
    timeout: Duration,
    retry: RetryPolicy,
    /// The environment variable the key came from, for error messages.
    key_variable: String,
    /// The key, cut out of any error text a server sends back.
    secret: Option<String>,
}

impl Http {
    pub fn new(timeout: Duration, retry: RetryPolicy, key_variable: &str) -> Result<Http, CallError> {
        // No redirects: a key header would follow them to another host.
        let client = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("driftcheck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CallError::Unreachable { url: "(client)".to_string(), message: error.to_string() })?;
        Ok(Http { client, timeout, retry, key_variable: key_variable.to_string(), secret: None })
    }

    /// Never repeat `key` in an error: some servers echo it back.
    pub fn redacting(mut self, key: Option<&str>) -> Http {
        self.secret = key.filter(|key| !key.is_empty()).map(str::to_string);
        self
    }

    /// POSTs `body` as JSON and returns the JSON answer. Retries 429, 5xx,
    /// timeouts and connection failures; `final_status` says which 5xx
    /// answers are final (a server that rejects a feature, not one that is
    /// busy).
    pub fn post_json(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &Value,
        final_status: &dyn Fn(u16, &str) -> bool,
    ) -> Result<Value, CallError> {
        let mut attempt = 0;
        loop {
            let (error, retry_after) = match self.post_once(url, headers, body) {
                Ok(Reply::Json(value)) => return Ok(value),
                Ok(Reply::Status { status, body, retry_after }) => {
                    let error = self.status_error(url, status, body);
                    let retryable = status == 429 || status == 408 || (500..600).contains(&status);
                    let final_answer = match &error {
                        CallError::Status { body, .. } => final_status(status, body),
                        _ => true,
                    };
                    if !retryable || final_answer {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                Err(error) => (error, None),
            };
            attempt += 1;
            if attempt >= self.retry.attempts {
                return Err(error);
            }
            std::thread::sleep(self.retry.delay(attempt - 1, retry_after));
        }
    }

    fn status_error(&self, url: &str, status: u16, body: String) -> CallError {
        match status {
            401 | 403 => CallError::Unauthorized { url: url.to_string(), status, variable: self.key_variable.clone() },
            _ => {
                let body = match &self.secret {
                    Some(secret) => body.replace(secret.as_str(), "[key]"),
                    None => body,
                };
                CallError::Status { url: url.to_string(), status, body: shorten(&body) }
            }
        }
    }

    fn post_once(&self, url: &str, headers: &[(&str, &str)], body: &Value) -> Result<Reply, CallError> {
        let mut request = self.client.post(url).json(body);
        for (name, value) in headers {
            let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| CallError::Malformed {
                url: url.to_string(),
                message: format!("the value for header `{name}` is not valid in HTTP"),
            })?;
            // Kept out of any debug output reqwest or hyper may write.
            value.set_sensitive(true);
            request = request.header(*name, value);
        }
        let response = request.send().map_err(|error| self.transport_error(url, &error))?;
        let status = response.status().as_u16();
        if response.status().is_redirection() {
            let location = response.headers().get(reqwest::header::LOCATION);
            let location = location.and_then(|l| l.to_str().ok()).unwrap_or("elsewhere").to_string();
            return Err(CallError::Redirected { url: url.to_string(), location });
        }
        let retry_after = response.headers().get(reqwest::header::RETRY_AFTER).and_then(parse_retry_after);
        let text = response.text().map_err(|error| self.transport_error(url, &error))?;
        if !(200..300).contains(&status) {
            return Ok(Reply::Status { status, body: text, retry_after });
        }
        serde_json::from_str(&text)
            .map(Reply::Json)
            .map_err(|error| CallError::Malformed { url: url.to_string(), message: format!("not JSON ({error})") })
    }

    fn transport_error(&self, url: &str, error: &reqwest::Error) -> CallError {
        if error.is_timeout() {
            CallError::Timeout { url: url.to_string(), seconds: self.timeout.as_secs() }
        } else {
            // The chain names the cause ("connection refused"); the URL
            // never carries the key.
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                message = format!("{message}: {cause}");
                source = cause.source();
            }
            CallError::Unreachable { url: url.to_string(), message }
        }
    }
}

enum Reply {
    Json(Value),
    Status { status: u16, body: String, retry_after: Option<Duration> },
}

/// `Retry-After: 3` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
fn parse_retry_after(value: &reqwest::header::HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// An error body, cut to what a message can carry.
fn shorten(body: &str) -> String {
    let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &flat[..end]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_retry_after_wins_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, None), Duration::from_millis(500));
        assert_eq!(policy.delay(2, None), Duration::from_secs(2));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3600))), Duration::from_secs(60));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let header = |text: &str| reqwest::header::HeaderValue::from_str(text).unwrap();
        assert_eq!(parse_retry_after(&header("7")), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(&header("Wed, 21 Oct 2015 07:28:00 GMT")), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(&header("soon")), None);
    }

    #[test]
    fn only_requests_that_cannot_succeed_are_fatal() {
        let status = |status| CallError::Status { url: "u".into(), status, body: String::new() };
        assert!(status(404).is_fatal());
        assert!(!status(429).is_fatal());
        assert!(!status(503).is_fatal());
        assert!(CallError::Unauthorized { url: "u".into(), status: 401, variable: "K".into() }.is_fatal());
        assert!(!CallError::Timeout { url: "u".into(), seconds: 1 }.is_fatal());
    }
}
