//! GitHub-style heading slugs, so that `spec.md#retry-policy` means the same
//! thing to driftcheck as to a reader clicking the link.

use std::collections::HashMap;

/// `## Retry policy (v2)` → `retry-policy-v2`.
pub fn slugify(title: &str) -> String {
    title
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Hands out unique slugs the way GitHub does: the second "Usage" heading
/// becomes `usage-1`.
#[derive(Debug, Default)]
pub struct SlugCounter {
    seen: HashMap<String, usize>,
}

impl SlugCounter {
    pub fn unique(&mut self, slug: String) -> String {
        let count = self.seen.entry(slug.clone()).or_insert(0);
        let unique = if *count == 0 { slug } else { format!("{slug}-{count}") };
        *count += 1;
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_github() {
        assert_eq!(slugify("Retry policy"), "retry-policy");
        assert_eq!(slugify("`Client::retry()` — details"), "clientretry--details");
        assert_eq!(slugify("Configuration: driftcheck.toml"), "configuration-driftchecktoml");
        let mut counter = SlugCounter::default();
        assert_eq!(counter.unique("usage".into()), "usage");
        assert_eq!(counter.unique("usage".into()), "usage-1");
    }
}
