//! `anthropic`: the Messages API. The answer's shape is enforced by asking
//! the model to call one tool whose input schema is the verdict; a reply
//! in text instead is parsed as text.

use serde_json::{json, Value};

use super::provider::{Answer, CallError, Http, Prompt, Provider};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
const API_VERSION: &str = "2023-06-01";
const TOOL: &str = "record_verdict";

pub struct Anthropic {
    http: Http,
    url: String,
    key: String,
    model: String,
}

impl Anthropic {
    pub fn new(http: Http, base_url: &str, key: String, model: &str) -> Anthropic {
        // Both `https://api.anthropic.com` and `…/v1` are given as base URLs.
        let base = base_url.trim_end_matches('/');
        let url = match base.ends_with("/v1") {
            true => format!("{base}/messages"),
            false => format!("{base}/v1/messages"),
        };
        Anthropic { http, url, key, model: model.to_string() }
    }

    fn body(&self, prompt: &Prompt) -> Value {
        json!({
            "model": self.model,
            "max_tokens": prompt.max_output_tokens,
            "temperature": 0,
            "system": prompt.system,
            "messages": [{"role": "user", "content": prompt.user}],
            "tools": [{
                "name": TOOL,
                "description": "Record the answer to the question.",
                "input_schema": prompt.schema,
            }],
            "tool_choice": {"type": "tool", "name": TOOL},
        })
    }
}

impl Provider for Anthropic {
    fn name(&self) -> &'static str {
        "anthropic"
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn endpoint(&self) -> &str {
        &self.url
    }

    fn ask(&self, prompt: &Prompt) -> Result<Answer, CallError> {
        let headers = [("x-api-key", self.key.as_str()), ("anthropic-version", API_VERSION)];
        let reply = self.http.post_json(&self.url, &headers, &self.body(prompt), &|_, _| false)?;
        parse_reply(&self.url, &reply)
    }
}

/// The tool call's input, else the text blocks; and `usage`.
fn parse_reply(url: &str, reply: &Value) -> Result<Answer, CallError> {
    let blocks = reply["content"].as_array().ok_or_else(|| CallError::Malformed {
        url: url.to_string(),
        message: "no `content` in the reply".to_string(),
    })?;
    let tool_input = blocks.iter().find(|block| block["type"] == "tool_use").map(|block| block["input"].to_string());
    let text = tool_input.unwrap_or_else(|| {
        blocks.iter().filter(|block| block["type"] == "text").filter_map(|block| block["text"].as_str()).collect()
    });
    if reply["stop_reason"] == "max_tokens" {
        return Err(CallError::Malformed {
            url: url.to_string(),
            message: "the answer was cut at its token limit".into(),
        });
    }
    let usage = &reply["usage"];
    Ok(Answer {
        text,
        input_tokens: usage["input_tokens"].as_u64().unwrap_or(0),
        output_tokens: usage["output_tokens"].as_u64().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_tool_call_or_else_the_text() {
        let tool = json!({"content": [{"type": "text", "text": "Sure."},
                                      {"type": "tool_use", "name": TOOL, "input": {"verdict": "drift"}}],
                          "usage": {"input_tokens": 40, "output_tokens": 9}});
        let answer = parse_reply("u", &tool).unwrap();
        assert_eq!((answer.text.as_str(), answer.input_tokens), ("{\"verdict\":\"drift\"}", 40));
        let text = json!({"content": [{"type": "text", "text": "{\"verdict\": \"unclear\"}"}]});
        assert_eq!(parse_reply("u", &text).unwrap().text, "{\"verdict\": \"unclear\"}");
        assert!(parse_reply("u", &json!({"type": "error"})).is_err());
    }
}
