//! The LLM pass: after linking and the deterministic checks, a model
//! judges what they cannot — whether a clause still describes its code,
//! and whether an unfamiliar name is this repository's. A cheap model
//! answers first; a stronger one only where the first is unsure.
//!
//! [`connect`] turns `[llm]` into [`Tiers`] (the only place a key is read);
//! [`review`](review::review) builds the questions, asks them through the
//! cache and the budget ([`ask`]), and applies the verdicts to the findings,
//! before severities, suppressions and fingerprints are applied to all
//! findings alike. Without a provider, or with `--offline`, none of this
//! runs and no request is made.

mod anthropic;
pub mod ask;
pub mod cache;
mod openai;
pub mod prompt;
pub mod provider;
pub mod question;
pub mod review;
pub mod verdict;

use std::time::Duration;

use crate::config::{EscalateConfig, LlmConfig};
use ask::{Budget, Tier, Tiers};
use provider::{CallError, Http, Provider, RetryPolicy};

pub use review::{Input, Reviewed, Unanswered};

/// Defaults of `[llm]`.
pub const DEFAULT_MAX_CALLS: usize = 50;
pub const DEFAULT_MAX_TOKENS: u64 = 400_000;
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
pub const DEFAULT_ESCALATE_BELOW: f64 = 0.8;

/// Errors that end the run (exit 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LlmError {
    #[error("the LLM provider needs a key: set the environment variable {variable}")]
    #[diagnostic(code(driftcheck::llm::key), help("or name another variable with `api_key_env` in [llm]"))]
    MissingKey { variable: String },
    #[error("LLM provider `{provider}`: {source}")]
    #[diagnostic(code(driftcheck::llm::call))]
    Call {
        provider: &'static str,
        #[source]
        source: CallError,
    },
}

/// The settings of one tier, from `[llm]` or `[llm.escalate]`.
struct TierSettings<'a> {
    provider: &'a str,
    model: &'a str,
    base_url: Option<&'a str>,
    api_key_env: Option<&'a str>,
    timeout_seconds: Option<u64>,
    max_retries: Option<u32>,
}

impl<'a> TierSettings<'a> {
    fn first(config: &'a LlmConfig) -> TierSettings<'a> {
        TierSettings {
            provider: config.provider.get_ref(),
            model: config.model.as_ref().map_or("", |m| m.get_ref()),
            base_url: config.base_url.as_deref(),
            api_key_env: config.api_key_env.as_deref(),
            timeout_seconds: config.timeout_seconds,
            max_retries: config.max_retries,
        }
    }

    fn escalate(config: &'a EscalateConfig, first: &LlmConfig) -> TierSettings<'a> {
        TierSettings {
            provider: config.provider.get_ref(),
            model: config.model.as_ref().map_or("", |m| m.get_ref()),
            base_url: config.base_url.as_deref(),
            api_key_env: config.api_key_env.as_deref(),
            timeout_seconds: config.timeout_seconds.or(first.timeout_seconds),
            max_retries: first.max_retries,
        }
    }
}

/// The models `[llm]` names, ready to ask; reads the keys from the
/// environment. A variable named in `api_key_env` must be set; without
/// one, `openai` uses `OPENAI_API_KEY` if set and sends no key otherwise
/// (local servers need none), and `anthropic` needs `ANTHROPIC_API_KEY`.
pub fn connect(config: &LlmConfig) -> Result<(Tiers, Budget), LlmError> {
    let first = Tier { provider: provider(&TierSettings::first(config))?, role: "first" };
    let escalate = match &config.escalate {
        Some(escalate) => {
            let below = escalate.escalate_below.as_ref().map_or(DEFAULT_ESCALATE_BELOW, |b| *b.get_ref());
            let tier = Tier { provider: provider(&TierSettings::escalate(escalate, config))?, role: "escalate" };
            Some((tier, below))
        }
        None => None,
    };
    let concurrency = config.concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1);
    let budget = Budget {
        max_calls: config.max_calls.unwrap_or(DEFAULT_MAX_CALLS),
        max_tokens: config.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
    };
    Ok((Tiers { first, escalate, concurrency }, budget))
}

fn provider(settings: &TierSettings) -> Result<Box<dyn Provider>, LlmError> {
    let (default_variable, default_url) = match settings.provider {
        "anthropic" => ("ANTHROPIC_API_KEY", anthropic::DEFAULT_BASE_URL),
        _ => ("OPENAI_API_KEY", openai::DEFAULT_BASE_URL),
    };
    let variable = settings.api_key_env.unwrap_or(default_variable);
    let key = std::env::var(variable).ok().filter(|key| !key.trim().is_empty());
    let required = settings.api_key_env.is_some() || settings.provider == "anthropic";
    if key.is_none() && required {
        return Err(LlmError::MissingKey { variable: variable.to_string() });
    }
    let timeout = Duration::from_secs(settings.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS).max(1));
    let retry = match settings.max_retries {
        Some(retries) => RetryPolicy { attempts: retries.saturating_add(1), ..RetryPolicy::default() },
        None => RetryPolicy::default(),
    };
    let name = if settings.provider == "anthropic" { "anthropic" } else { "openai" };
    let http = Http::new(timeout, retry, variable)
        .map_err(|source| LlmError::Call { provider: name, source })?
        .redacting(key.as_deref());
    let base_url = settings.base_url.unwrap_or(default_url);
    Ok(match (settings.provider, key) {
        ("anthropic", Some(key)) => Box::new(anthropic::Anthropic::new(http, base_url, key, settings.model)),
        ("anthropic", None) => return Err(LlmError::MissingKey { variable: variable.to_string() }),
        (_, key) => Box::new(openai::OpenAi::new(http, base_url, key, settings.model)),
    })
}
