//! wasim's integration tests, one binary: the worked examples and every numbered rule of
//! `docs/rules.md` with hand-computed charges (`rules`), the command line run for real (`cli`),
//! and invariants over random logs (`invariants`). Expected figures come from the rules and the
//! bundled rate cards, never from the code's own output.

mod cli;
mod invariants;
mod rules;
mod support;
