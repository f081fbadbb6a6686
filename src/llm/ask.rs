//! Asking: the cache first, then the first tier, then — for answers below
//! `escalate_below` or invalid ones — the escalation tier. Budgets are
//! reserved in question order before any call of a round is sent, so which
//! questions are skipped depends on the questions, never on timing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::cache::Cache;
use super::prompt;
use super::provider::{Answer, CallError, Provider};
use super::question::Question;
use super::verdict::{self, Verdict};
use super::LlmError;

/// One model and where it stands in the cascade.
pub struct Tier {
    pub provider: Box<dyn Provider>,
    /// `first`, or `escalate`.
    pub role: &'static str,
}

/// The models of a run and how many questions may be in flight at once.
pub struct Tiers {
    pub first: Tier,
    /// The stronger tier, and the confidence below which it is asked.
    pub escalate: Option<(Tier, f64)>,
    pub concurrency: usize,
}

impl Tiers {
    /// The first tier (0) or the escalation tier (1).
    fn tier(&self, index: usize) -> &Tier {
        match (index, &self.escalate) {
            (1, Some((tier, _))) => tier,
            _ => &self.first,
        }
    }
}

/// The run's budget: calls and tokens over both tiers.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub max_calls: usize,
    pub max_tokens: u64,
}

/// What one tier did, for `summary.llm.tiers`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TierUsage {
    pub role: String,
    pub provider: String,
    pub model: String,
    pub calls: usize,
    pub cached: usize,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// The end of one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A valid verdict, and the model that gave it.
    Answered { verdict: Verdict, model: String },
    /// Not asked: a budget ran out.
    Skipped(String),
    /// Asked, but no valid verdict came back.
    Failed(String),
}

/// What a reservation takes from the call budget.
#[derive(Clone, Copy)]
enum Calls {
    /// One of the calls set aside.
    SetAside,
    One,
    /// One now and one set aside for the follow-up.
    Two,
}

/// How a question stands after one tier.
enum Step {
    Verdict(Verdict),
    Invalid(String),
    Skipped(String),
    Failed(String),
}

pub struct Asker<'a> {
    tiers: &'a Tiers,
    cache: Option<&'a Cache>,
    budget: Budget,
    calls: usize,
    tokens: u64,
    pub usage: Vec<TierUsage>,
    /// A tier that stopped answering (timeouts, refused connections) is
    /// not asked again in this run.
    down: Vec<Option<String>>,
    /// Calls counted in `calls` but set aside for follow-up questions, so
    /// that a question asked is also followed up before later questions
    /// spend the budget.
    held: usize,
}

/// How a batch of questions uses the call budget.
#[derive(Clone, Copy)]
enum Budgeting<'q> {
    Plain,
    /// Questions marked `true` set a call aside for a follow-up; a cached
    /// answer only when the follow-up will be asked (`follows`).
    Hold(&'q [bool], fn(&Verdict) -> bool),
    /// Follow-ups: they take the calls set aside first.
    Spend,
}

impl<'a> Asker<'a> {
    pub fn new(tiers: &'a Tiers, cache: Option<&'a Cache>, budget: Budget) -> Asker<'a> {
        let tier_usage = |tier: &Tier| TierUsage {
            role: tier.role.to_string(),
            provider: tier.provider.name().to_string(),
            model: tier.provider.model().to_string(),
            ..TierUsage::default()
        };
        let mut usage = vec![tier_usage(&tiers.first)];
        usage.extend(tiers.escalate.as_ref().map(|(tier, _)| tier_usage(tier)));
        let down = vec![None; usage.len()];
        Asker { tiers, cache, budget, calls: 0, tokens: 0, usage, down, held: 0 }
    }

    fn tier(&self, index: usize) -> &'a Tier {
        self.tiers.tier(index)
    }

    /// Asks every question, escalating the uncertain ones; outcomes in the
    /// questions' order. A fatal error (a refused key, an unknown model)
    /// ends the pass.
    pub fn ask(&mut self, questions: &[Question]) -> Result<Vec<Outcome>, LlmError> {
        self.ask_with(questions, Budgeting::Plain)
    }

    /// Like [`Asker::ask`]; each question marked in `follow_up` sets one
    /// call aside for the question that will follow it when its answer
    /// `follows`.
    pub fn ask_holding(
        &mut self,
        questions: &[Question],
        follow_up: &[bool],
        follows: fn(&Verdict) -> bool,
    ) -> Result<Vec<Outcome>, LlmError> {
        self.ask_with(questions, Budgeting::Hold(follow_up, follows))
    }

    /// The follow-ups of an [`Asker::ask_holding`] batch: they spend the
    /// calls set aside, and what is left of them returns to the budget.
    pub fn ask_follow_ups(&mut self, questions: &[Question]) -> Result<Vec<Outcome>, LlmError> {
        // Questions that are not followed up (an unrelated clause) free
        // their call now; calls a cached follow-up did not need, after.
        self.release(self.held.saturating_sub(questions.len()));
        let outcomes = self.ask_with(questions, Budgeting::Spend);
        self.release(self.held);
        outcomes
    }

    fn release(&mut self, calls: usize) {
        self.held -= calls.min(self.held);
        self.calls -= calls.min(self.calls);
    }

    fn ask_with(&mut self, questions: &[Question], budgeting: Budgeting) -> Result<Vec<Outcome>, LlmError> {
        let everything: Vec<usize> = (0..questions.len()).collect();
        let first = self.round(0, questions, &everything, budgeting)?;
        let mut outcomes: Vec<Option<Outcome>> = vec![None; questions.len()];
        let mut escalated = Vec::new();
        for (index, step) in everything.iter().zip(first) {
            let uncertain = match &step {
                Step::Verdict(verdict) => {
                    self.tiers.escalate.as_ref().is_some_and(|(_, below)| verdict.confidence < *below)
                }
                Step::Invalid(_) => true,
                Step::Skipped(_) | Step::Failed(_) => false,
            };
            if uncertain && self.tiers.escalate.is_some() {
                escalated.push((*index, step));
            } else {
                outcomes[*index] = Some(self.settle(0, step, None));
            }
        }
        let indices: Vec<usize> = escalated.iter().map(|(index, _)| *index).collect();
        let second =
            if indices.is_empty() { Vec::new() } else { self.round(1, questions, &indices, Budgeting::Plain)? };
        for ((index, first), second) in escalated.into_iter().zip(second) {
            outcomes[index] = Some(self.settle(1, second, Some(first)));
        }
        Ok(outcomes.into_iter().map(|o| o.unwrap_or_else(|| Outcome::Failed("not asked".into()))).collect())
    }

    /// The final outcome: the later tier's verdict, else the earlier's.
    fn settle(&self, tier: usize, step: Step, earlier: Option<Step>) -> Outcome {
        let model = |tier: usize| self.tier(tier).provider.model().to_string();
        match (step, earlier) {
            (Step::Verdict(verdict), _) => Outcome::Answered { verdict, model: model(tier) },
            (_, Some(Step::Verdict(verdict))) => Outcome::Answered { verdict, model: model(tier - 1) },
            (Step::Skipped(reason), _) => Outcome::Skipped(reason),
            (Step::Invalid(reason) | Step::Failed(reason), _) => Outcome::Failed(reason),
        }
    }

    /// One tier over some questions: cached answers, budget reservations in
    /// order, then the calls, `concurrency` at a time.
    fn round(
        &mut self,
        tier: usize,
        questions: &[Question],
        indices: &[usize],
        budgeting: Budgeting,
    ) -> Result<Vec<Step>, LlmError> {
        let tiers: &'a Tiers = self.tiers;
        let provider = tiers.tier(tier).provider.as_ref();
        let (name, model) = (provider.name(), provider.model().to_string());
        let cache_provider = format!("{name} {}", provider.endpoint());
        let mut steps: Vec<Option<Step>> = Vec::with_capacity(indices.len());
        let mut to_send = Vec::new();
        for (slot, &index) in indices.iter().enumerate() {
            let question = &questions[index];
            let holds = matches!(budgeting, Budgeting::Hold(marks, _) if marks.get(index) == Some(&true));
            if let Some(cached) = self.cache.and_then(|cache| cache.get(&cache_provider, &model, question)) {
                self.usage[tier].cached += 1;
                let follows = match (budgeting, &cached) {
                    (Budgeting::Hold(_, follows), Ok(verdict)) => follows(verdict),
                    _ => false,
                };
                if holds && follows && self.calls < self.budget.max_calls {
                    self.calls += 1;
                    self.held += 1;
                }
                // A follow-up answered from the cache gives its call back
                // at once, for the questions after it.
                if matches!(budgeting, Budgeting::Spend) && self.held > 0 {
                    self.release(1);
                }
                steps.push(Some(match cached {
                    Ok(verdict) => Step::Verdict(verdict),
                    Err(reason) => Step::Invalid(reason),
                }));
                continue;
            }
            if let Some(reason) = &self.down[tier] {
                steps.push(Some(Step::Failed(reason.clone())));
                continue;
            }
            let prompt = prompt::render(question);
            let estimate = prompt.input_estimate() + u64::from(prompt.max_output_tokens);
            let calls = match budgeting {
                Budgeting::Spend if self.held > 0 => Calls::SetAside,
                _ if holds => Calls::Two,
                _ => Calls::One,
            };
            match self.reserve(estimate, calls) {
                Ok(()) => {
                    steps.push(None);
                    to_send.push((slot, index, prompt, estimate));
                }
                Err(reason) => steps.push(Some(Step::Skipped(reason))),
            }
        }
        let answers = send_all(provider, &to_send, self.tiers.concurrency);
        for ((slot, index, prompt, estimate), answer) in to_send.iter().zip(answers) {
            let step = match answer {
                Ok(answer) => {
                    self.count(tier, &answer, *estimate, prompt.input_estimate());
                    let question = &questions[*index];
                    match verdict::parse(&answer.text, question.kind.verdicts(), &question.shown()) {
                        Ok(verdict) => {
                            if let Some(cache) = self.cache {
                                cache.put(&cache_provider, &model, question, &verdict);
                            }
                            Step::Verdict(verdict)
                        }
                        Err(invalid) => {
                            let reason = format!("{model} gave an invalid answer: {invalid}");
                            if let Some(cache) = self.cache {
                                cache.put_invalid(&cache_provider, &model, question, &reason);
                            }
                            Step::Invalid(reason)
                        }
                    }
                }
                Err(error) if error.is_fatal() => return Err(LlmError::Call { provider: name, source: error }),
                Err(error) => {
                    self.tokens -= estimate;
                    self.usage[tier].calls += 1;
                    let reason = error.to_string();
                    if matches!(error, CallError::Timeout { .. } | CallError::Unreachable { .. }) {
                        self.down[tier] = Some(reason.clone());
                    }
                    Step::Failed(reason)
                }
            };
            steps[*slot] = Some(step);
        }
        Ok(steps.into_iter().map(|s| s.unwrap_or_else(|| Step::Failed("not asked".into()))).collect())
    }

    fn reserve(&mut self, estimate: u64, calls: Calls) -> Result<(), String> {
        let new_calls = match calls {
            Calls::SetAside => 0,
            Calls::One => 1,
            Calls::Two => 2,
        };
        if self.calls + new_calls > self.budget.max_calls {
            return Err(format!("the budget of {} calls ran out (max_calls, --max-llm-calls)", self.budget.max_calls));
        }
        if self.tokens + estimate > self.budget.max_tokens {
            return Err(format!("the budget of {} tokens ran out (max_tokens)", self.budget.max_tokens));
        }
        self.calls += new_calls;
        match calls {
            Calls::SetAside => self.held -= 1,
            Calls::Two => self.held += 1,
            Calls::One => {}
        }
        self.tokens += estimate;
        Ok(())
    }

    /// Counts a call's tokens, as the server reports them (or as estimated
    /// when it does not), in place of its reservation.
    fn count(&mut self, tier: usize, answer: &Answer, estimate: u64, input_estimate: u64) {
        let (input, output) = match (answer.input_tokens, answer.output_tokens) {
            (0, 0) => (input_estimate, answer.text.len() as u64 / 4),
            reported => reported,
        };
        self.tokens = self.tokens - estimate + input + output;
        let usage = &mut self.usage[tier];
        usage.calls += 1;
        usage.input_tokens += input;
        usage.output_tokens += output;
    }
}

/// Sends prompts on `concurrency` threads; answers in the prompts' order.
fn send_all(
    provider: &dyn Provider,
    to_send: &[(usize, usize, super::provider::Prompt, u64)],
    concurrency: usize,
) -> Vec<Result<Answer, CallError>> {
    let progress = progress_bar(to_send.len());
    let next = AtomicUsize::new(0);
    let answers: Mutex<Vec<Option<Result<Answer, CallError>>>> = Mutex::new((0..to_send.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, to_send.len().max(1)) {
            scope.spawn(|| loop {
                let position = next.fetch_add(1, Ordering::Relaxed);
                let Some((_, _, prompt, _)) = to_send.get(position) else { break };
                let answer = provider.ask(prompt);
                progress.inc(1);
                if let Ok(mut answers) = answers.lock() {
                    answers[position] = Some(answer);
                }
            });
        }
    });
    progress.finish_and_clear();
    let answers = answers.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    answers
        .into_iter()
        .map(|answer| {
            answer.unwrap_or_else(|| Err(CallError::Malformed { url: String::new(), message: "no answer".into() }))
        })
        .collect()
}

/// A bar on stderr when it is a terminal; nothing otherwise.
fn progress_bar(length: usize) -> ProgressBar {
    use std::io::IsTerminal;
    if length == 0 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(length as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} asking the model {pos}/{len} {wide_bar}") {
        bar.set_style(style);
    }
    bar
}
