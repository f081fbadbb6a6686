//! `openai`: any OpenAI-compatible chat-completions endpoint (OpenAI,
//! Ollama's `/v1`, vLLM, llama.cpp's server, LM Studio, OpenRouter).
//!
//! The answer's shape is asked for as strictly as the server allows:
//! `json_schema` first, then `json_object`, then plain text. A server that
//! rejects a form (llama-cpp-python answers `json_schema` with HTTP 500) is
//! asked in the next form, and the run remembers it.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use serde_json::{json, Value};

use super::provider::{Answer, CallError, Http, Prompt, Provider};

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// The forms of structured output, strictest first.
const JSON_SCHEMA: u8 = 0;
const JSON_OBJECT: u8 = 1;
const PLAIN_TEXT: u8 = 2;

pub struct OpenAi {
    http: Http,
    url: String,
    key: Option<String>,
    model: String,
    form: AtomicU8,
    /// Newer models take `max_completion_tokens` instead of `max_tokens`,
    /// and reasoning models no `temperature`; learnt from the first refusal.
    completion_tokens: AtomicBool,
    no_temperature: AtomicBool,
}

impl OpenAi {
    pub fn new(http: Http, base_url: &str, key: Option<String>, model: &str) -> OpenAi {
        let url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
        OpenAi {
            http,
            url,
            key,
            model: model.to_string(),
            form: AtomicU8::new(JSON_SCHEMA),
            completion_tokens: AtomicBool::new(false),
            no_temperature: AtomicBool::new(false),
        }
    }

    /// The settings the run has learnt so far.
    fn settings(&self) -> Settings {
        Settings {
            form: self.form.load(Ordering::Relaxed),
            completion_tokens: self.completion_tokens.load(Ordering::Relaxed),
            no_temperature: self.no_temperature.load(Ordering::Relaxed),
        }
    }

    fn body(&self, prompt: &Prompt, settings: Settings) -> Value {
        let mut body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
        });
        let tokens = if settings.completion_tokens { "max_completion_tokens" } else { "max_tokens" };
        let format = match settings.form {
            JSON_SCHEMA => Some(json!({
                "type": "json_schema",
                "json_schema": {"name": "verdict", "strict": true, "schema": prompt.schema},
            })),
            JSON_OBJECT => Some(json!({"type": "json_object"})),
            _ => None,
        };
        if let Some(object) = body.as_object_mut() {
            object.insert(tokens.to_string(), json!(prompt.max_output_tokens));
            if !settings.no_temperature {
                object.insert("temperature".to_string(), json!(0));
            }
            if let Some(format) = format {
                object.insert("response_format".to_string(), format);
            }
        }
        body
    }
}

/// What a request was sent with.
#[derive(Clone, Copy, PartialEq)]
struct Settings {
    form: u8,
    completion_tokens: bool,
    no_temperature: bool,
}

impl Provider for OpenAi {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn endpoint(&self) -> &str {
        &self.url
    }

    fn ask(&self, prompt: &Prompt) -> Result<Answer, CallError> {
        let authorization = self.key.as_ref().map(|key| format!("Bearer {key}"));
        let headers: Vec<(&str, &str)> = authorization.iter().map(|value| ("authorization", value.as_str())).collect();
        loop {
            let sent = self.settings();
            // A 5xx that names the requested form is the server refusing the
            // feature, not a busy server: no point retrying it as it is.
            let refuses_form = |_status: u16, body: &str| sent.form < PLAIN_TEXT && names_response_format(body);
            match self.http.post_json(&self.url, &headers, &self.body(prompt, sent), &refuses_form) {
                Ok(reply) => return parse_reply(&self.url, &reply),
                Err(CallError::Status { status, body, .. }) if self.adapts_to(status, &body, sent) => {}
                Err(error) => return Err(error),
            }
        }
    }
}

impl OpenAi {
    /// Learns from a refusal of what the server does not take — the answer
    /// form, `max_tokens`, `temperature` — and says whether to ask again:
    /// also when another request learnt something since this one was
    /// sent. Any other refusal stands.
    fn adapts_to(&self, status: u16, body: &str, sent: Settings) -> bool {
        if !rejects_form(status) {
            return false;
        }
        if self.settings() != sent {
            return true;
        }
        let refused = refused_parameter(body);
        let names = |parameter: &str| refused.as_deref() == Some(parameter);
        if names("max_tokens") && !sent.completion_tokens {
            self.completion_tokens.store(true, Ordering::Relaxed);
            return true;
        }
        if names("temperature") && !sent.no_temperature {
            self.no_temperature.store(true, Ordering::Relaxed);
            return true;
        }
        let server_error = status >= 500 && names_response_format(body);
        if sent.form < PLAIN_TEXT && (names("response_format") || server_error) {
            let _ = self.form.compare_exchange(sent.form, sent.form + 1, Ordering::Relaxed, Ordering::Relaxed);
            return true;
        }
        false
    }
}

/// Statuses with which servers reject a parameter they do not support.
fn rejects_form(status: u16) -> bool {
    matches!(status, 400 | 422 | 500 | 501)
}

fn names_response_format(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    ["response_format", "json_schema", "json_object"].iter().any(|word| lower.contains(word))
}

/// Words that say a parameter is not taken at all, not that its value is
/// wrong ("`max_tokens` is too large" is about the prompt's length).
const UNSUPPORTED: &[&str] =
    &["unsupported", "not supported", "unrecognized", "unknown parameter", "does not support", "not permitted"];

/// The parameter a refusal says the server does not take: OpenAI's
/// `error.param` beside such words, or one the message names with them.
fn refused_parameter(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    if !UNSUPPORTED.iter().any(|word| lower.contains(word)) {
        return None;
    }
    let error: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    if let Some(parameter) = error["error"]["param"].as_str() {
        return Some(parameter.to_string());
    }
    ["max_tokens", "temperature", "response_format"].iter().find(|p| lower.contains(**p)).map(|p| p.to_string())
}

/// `choices[0].message.content` and `usage`.
fn parse_reply(url: &str, reply: &Value) -> Result<Answer, CallError> {
    let message = &reply["choices"][0]["message"];
    let text = match &message["content"] {
        Value::String(text) => text.clone(),
        // Content as a list of parts: [{"type": "text", "text": "…"}].
        Value::Array(parts) => parts.iter().filter_map(|part| part["text"].as_str()).collect::<Vec<_>>().join(""),
        _ => {
            let refusal = message["refusal"].as_str().unwrap_or("no message content");
            return Err(CallError::Malformed { url: url.to_string(), message: refusal.to_string() });
        }
    };
    // A cut or empty answer says nothing about the question: a failed call,
    // not an invalid verdict to remember.
    if reply["choices"][0]["finish_reason"] == "length" {
        return Err(CallError::Malformed {
            url: url.to_string(),
            message: "the answer was cut at its token limit".into(),
        });
    }
    if text.trim().is_empty() {
        return Err(CallError::Malformed { url: url.to_string(), message: "an empty answer".into() });
    }
    let usage = &reply["usage"];
    Ok(Answer {
        text,
        input_tokens: usage["prompt_tokens"].as_u64().unwrap_or(0),
        output_tokens: usage["completion_tokens"].as_u64().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_and_part_list_content() {
        let reply = json!({"choices": [{"message": {"content": "{\"a\":1}"}}],
                           "usage": {"prompt_tokens": 12, "completion_tokens": 3}});
        let answer = parse_reply("u", &reply).unwrap();
        assert_eq!((answer.text.as_str(), answer.input_tokens, answer.output_tokens), ("{\"a\":1}", 12, 3));
        let parts = json!({"choices": [{"message": {"content": [{"type": "text", "text": "x"}, {"type": "text", "text": "y"}]}}]});
        assert_eq!(parse_reply("u", &parts).unwrap().text, "xy");
        let refused = json!({"choices": [{"message": {"content": null, "refusal": "no"}}]});
        assert!(matches!(parse_reply("u", &refused), Err(CallError::Malformed { .. })));
    }

    #[test]
    fn a_server_naming_the_format_refuses_it() {
        assert!(names_response_format("{\"error\": \"json_schema is not supported\"}"));
        assert!(!names_response_format("upstream overloaded"));
    }

    #[test]
    fn only_a_parameter_refused_outright_is_learnt() {
        let openai = r#"{"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model.", "param": "max_tokens"}}"#;
        assert_eq!(refused_parameter(openai).as_deref(), Some("max_tokens"));
        let text = "temperature is not supported by this model";
        assert_eq!(refused_parameter(text).as_deref(), Some("temperature"));
        for body in ["'max_tokens' or 'max_completion_tokens' is too large: 4000", "see https://schema.org", "{}"] {
            assert_eq!(refused_parameter(body), None, "{body}");
        }
    }

    #[test]
    fn a_cut_or_empty_answer_is_a_failed_call() {
        let cut = json!({"choices": [{"message": {"content": "{\"verdict\": \"dr"}, "finish_reason": "length"}]});
        assert!(matches!(parse_reply("u", &cut), Err(CallError::Malformed { .. })));
        let empty = json!({"choices": [{"message": {"content": ""}, "finish_reason": "stop"}]});
        assert!(matches!(parse_reply("u", &empty), Err(CallError::Malformed { .. })));
    }
}
