//! Strategies: how the business turns something it wants to say into a message. Each strategy is
//! one variant with its own branch of logic; the engine asks it what to do with each piece of
//! content, given whether the customer service window is open.

use crate::rules::{MessageKind, TemplateCategory};

/// What the business wants to say, before it chooses template or free-form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Content {
    /// A campaign message or a follow-up to a customer's reply.
    Marketing,
    /// An order notification (or other update).
    Utility,
    /// A one-time code: always an authentication template.
    Authentication,
    /// An agent's answer to a customer's visit.
    Support,
    /// An agent's answer by a reaction to the customer's message (rule 23): free, and only
    /// possible while the customer service window is open.
    Reaction,
}

impl Content {
    /// The template that carries this content when a template is needed.
    #[must_use]
    pub fn template(self) -> MessageKind {
        MessageKind::Template(match self {
            Content::Marketing => TemplateCategory::Marketing,
            Content::Utility | Content::Support | Content::Reaction => TemplateCategory::Utility,
            Content::Authentication => TemplateCategory::Authentication,
        })
    }

    /// The content a template of `category` carries (a campaign's sends).
    #[must_use]
    pub fn of_category(category: TemplateCategory) -> Content {
        match category {
            TemplateCategory::Marketing => Content::Marketing,
            TemplateCategory::Utility => Content::Utility,
            TemplateCategory::Authentication => Content::Authentication,
        }
    }

    /// Whether it is an agent's answer to the customer (a message or a reaction): what the
    /// service figures count.
    #[must_use]
    pub fn is_answer(self) -> bool {
        matches!(self, Content::Support | Content::Reaction)
    }

    /// The category of the content's template (for replies).
    #[must_use]
    pub fn category(self) -> TemplateCategory {
        match self.template() {
            MessageKind::Template(c) => c,
            _ => TemplateCategory::Utility,
        }
    }
}

/// What to do when a re-engagement template gets no reply in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoReply {
    /// Send each waiting message as a template.
    Template,
    /// Give up on them.
    Drop,
}

/// A strategy (see `docs/scenario.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Free-form when the customer service window is open, a template otherwise (authentication
    /// codes are always templates).
    WindowCheck,
    /// Templates for everything the business starts (campaigns, follow-ups, notifications, codes);
    /// support answers free-form inside the window, a utility template outside.
    AlwaysTemplate,
    /// Naive: support answers always free-form (blocked, 131047, outside the window); the rest as
    /// templates.
    FreeFormFirst,
    /// Like window-check, but a support answer due outside the window is dropped.
    DropLateSupport,
    /// Window closed: send one re-engagement template and hold the content; deliver it free-form
    /// when the customer replies, or after `wait` send it as templates or drop it.
    ReEngage {
        /// The re-engagement template's category (`None`: the held content's own).
        template: Option<TemplateCategory>,
        /// How long to wait for a reply (nanoseconds).
        wait: i64,
        /// What happens without a reply.
        if_no_reply: NoReply,
    },
    /// Like window-check, but non-urgent utility content due outside the window waits for the
    /// customer's next message (then goes free-form), up to `max_wait`, then as a template.
    DeferUtility {
        /// Longest wait (nanoseconds).
        max_wait: i64,
    },
}

/// The strategy's answer for one piece of content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// Send now as this message.
    Send(MessageKind),
    /// Hold it for up to this many nanoseconds; deliver free-form at the customer's next message.
    /// With `reengage`, first send that re-engagement template (unless one is already out).
    Hold {
        /// How long at most.
        wait: i64,
        /// The re-engagement template to send now, if any.
        reengage: Option<TemplateCategory>,
    },
    /// Do not send.
    Drop,
}

impl Strategy {
    /// The id used in scenarios.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            Strategy::WindowCheck => "window-check",
            Strategy::AlwaysTemplate => "always-template",
            Strategy::FreeFormFirst => "free-form-first",
            Strategy::DropLateSupport => "drop-late-support",
            Strategy::ReEngage { .. } => "re-engage",
            Strategy::DeferUtility { .. } => "defer-utility",
        }
    }

    /// What to do with `content` now. `window_open`: a customer service window is open.
    #[must_use]
    pub fn route(self, content: Content, urgent: bool, window_open: bool) -> Route {
        if content == Content::Authentication {
            return Route::Send(content.template());
        }
        // A reaction needs the window (rule 23): sent while it is open, dropped when it is not,
        // except by the naive strategy, which sends it anyway and sees it blocked.
        if content == Content::Reaction {
            return if window_open || self == Strategy::FreeFormFirst {
                Route::Send(MessageKind::Reaction)
            } else {
                Route::Drop
            };
        }
        match self {
            Strategy::WindowCheck => Route::Send(if window_open { MessageKind::FreeForm } else { content.template() }),
            Strategy::AlwaysTemplate => match content {
                Content::Support if window_open => Route::Send(MessageKind::FreeForm),
                _ => Route::Send(content.template()),
            },
            Strategy::FreeFormFirst => match content {
                Content::Support => Route::Send(MessageKind::FreeForm),
                _ => Route::Send(content.template()),
            },
            Strategy::DropLateSupport => match content {
                _ if window_open => Route::Send(MessageKind::FreeForm),
                Content::Support => Route::Drop,
                _ => Route::Send(content.template()),
            },
            Strategy::ReEngage { template, wait, .. } => {
                if window_open {
                    Route::Send(MessageKind::FreeForm)
                } else {
                    Route::Hold { wait, reengage: Some(template.unwrap_or(content.category())) }
                }
            }
            Strategy::DeferUtility { max_wait } => match content {
                _ if window_open => Route::Send(MessageKind::FreeForm),
                Content::Utility if !urgent => Route::Hold { wait: max_wait, reengage: None },
                _ => Route::Send(content.template()),
            },
        }
    }

    /// What to do with held content whose wait ran out without a customer message.
    #[must_use]
    pub fn on_timeout(self, content: Content) -> Route {
        match self {
            Strategy::ReEngage { if_no_reply: NoReply::Drop, .. } => Route::Drop,
            _ => Route::Send(content.template()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authentication_is_always_a_template() {
        let all = [
            Strategy::WindowCheck,
            Strategy::AlwaysTemplate,
            Strategy::FreeFormFirst,
            Strategy::DropLateSupport,
            Strategy::ReEngage { template: None, wait: 1, if_no_reply: NoReply::Drop },
            Strategy::DeferUtility { max_wait: 1 },
        ];
        for s in all {
            for open in [false, true] {
                assert_eq!(
                    s.route(Content::Authentication, false, open),
                    Route::Send(MessageKind::Template(TemplateCategory::Authentication))
                );
            }
        }
    }

    #[test]
    fn window_check_uses_the_window() {
        let s = Strategy::WindowCheck;
        assert_eq!(s.route(Content::Utility, false, true), Route::Send(MessageKind::FreeForm));
        assert_eq!(
            s.route(Content::Utility, false, false),
            Route::Send(MessageKind::Template(TemplateCategory::Utility))
        );
        assert_eq!(
            s.route(Content::Support, false, false),
            Route::Send(MessageKind::Template(TemplateCategory::Utility))
        );
    }

    #[test]
    fn defer_only_holds_non_urgent_utility_outside_the_window() {
        let s = Strategy::DeferUtility { max_wait: 7 };
        assert_eq!(s.route(Content::Utility, false, false), Route::Hold { wait: 7, reengage: None });
        assert_eq!(
            s.route(Content::Utility, true, false),
            Route::Send(MessageKind::Template(TemplateCategory::Utility))
        );
        assert_eq!(s.route(Content::Utility, false, true), Route::Send(MessageKind::FreeForm));
        assert_eq!(s.on_timeout(Content::Utility), Route::Send(MessageKind::Template(TemplateCategory::Utility)));
    }
}
