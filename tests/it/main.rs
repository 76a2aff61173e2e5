//! wasim's integration tests, one binary: the worked examples and every numbered rule of
//! `docs/rules.md` with hand-computed charges (`rules`), the command line run for real (`cli`),
//! invariants over random logs (`invariants`), the charts and report page (`report`), and
//! `wasim run`/`validate` end to end (`sim`), and the answer to a scenario's question with its
//! service figures (`answer`). Expected figures come from the rules and the bundled
//! rate cards, never from the code's own output.

mod answer;
mod cli;
mod invariants;
mod report;
mod rules;
mod rules_2026;
mod sim;
mod sim_2026;
mod support;
