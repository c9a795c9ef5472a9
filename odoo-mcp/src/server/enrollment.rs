//! `ODOO_MCP_IDENTITY=oauth`: from a call's OAuth subject to the Odoo user
//! whose key the store keeps, and, for a subject without one, the enrollment
//! asked of the person: a one-time link to the server's enrollment page
//! (`enroll.rs` serves it), sent as a URL-mode elicitation when the client
//! takes one, else in words in a tool error. Links live in the key store's
//! database and page sessions in sealed cookies, so any replica serves any step.

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, ElicitRequest, ElicitRequestParams,
    ElicitationAction, InputRequest, InputRequiredResult, ProtocolVersion,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};

use crate::odoo::identity::{Caller, Credentials, Identities, Refusal};
use crate::odoo::key_store::{Enrolled, KeyStore, StoreError, random_token};

/// How long a one-time link opens the page.
const LINK_TTL: Duration = Duration::from_secs(10 * 60);
/// How long a call waits, after the client accepted the URL elicitation, for
/// the person to finish the page before it answers "call again".
const ENROLL_WAIT: Duration = Duration::from_secs(120);
/// The input-response key of the 2026-07-28 form.
const KEY: &str = "odoo_enrollment";

/// Why a one-time link does not open the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    #[error(
        "this enrollment link is unknown or was already used; ask your assistant again for a new one"
    )]
    Unknown,
    #[error("this enrollment link has expired; ask your assistant again for a new one")]
    Expired,
    #[error("the key store cannot be reached right now; try again shortly")]
    Unavailable,
}

/// Sealed values of the page's session cookie.
const SESSION_PURPOSE: &[u8] = b"odoo-mcp enrollment session";

/// The key store, the one-time links and who is waiting for enrollment.
pub struct Enrollment {
    store: Arc<KeyStore>,
    page: String,
    done: tokio::sync::Notify,
}

impl std::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrollment")
            .field("page", &self.page)
            .finish_non_exhaustive()
    }
}

impl Enrollment {
    /// `page` is the enrollment page's public address (`…/enroll`).
    pub fn new(store: Arc<KeyStore>, page: String) -> Self {
        Self {
            store,
            page,
            done: tokio::sync::Notify::new(),
        }
    }

    /// A new one-time link for `subject`.
    pub async fn link(&self, subject: &str) -> Result<String, StoreError> {
        let token = random_token();
        self.store.add_link(&token, subject, LINK_TTL).await?;
        Ok(format!("{}?link={token}", self.page))
    }

    /// The subject a link was made for; the link is spent either way.
    pub async fn redeem(&self, token: &str) -> Result<String, LinkRefused> {
        let taken = self.store.take_link(token).await.map_err(|error| {
            tracing::warn!(%error, "enrollment link not checked");
            LinkRefused::Unavailable
        })?;
        let (subject, age) = taken.ok_or(LinkRefused::Unknown)?;
        if age >= LINK_TTL.as_secs() {
            return Err(LinkRefused::Expired);
        }
        Ok(subject)
    }

    /// A page session, sealed for its cookie.
    pub fn seal_session(&self, session: &[u8]) -> String {
        self.store.seal_value(session, SESSION_PURPOSE)
    }

    /// A session cookie's value, opened; `None` when forged or damaged.
    pub fn open_session(&self, sealed: &str) -> Option<Vec<u8>> {
        self.store.open_value(sealed, SESSION_PURPOSE)
    }

    /// Stores `subject`'s verified key and wakes the calls waiting for it.
    pub async fn enrolled(&self, subject: &str, enrolled: &Enrolled) -> Result<(), StoreError> {
        self.store.put(subject, enrolled).await?;
        self.done.notify_waiters();
        Ok(())
    }

    /// Waits (at most [`ENROLL_WAIT`]) until `subject` has a key.
    async fn wait(&self, subject: &str) -> bool {
        let deadline = tokio::time::Instant::now() + ENROLL_WAIT;
        loop {
            let notified = self.done.notified();
            if matches!(self.store.get(subject).await, Ok(Some(_))) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }

    /// The Odoo user `subject` acts as; `Ok(None)` when enrollment is needed
    /// (no key, or Odoo refused the stored one, which is then dropped).
    pub(crate) async fn caller(
        &self,
        identities: &Identities,
        subject: &str,
    ) -> Result<Option<Arc<Caller>>, ErrorData> {
        let unavailable = |e: StoreError| {
            // The store's place and state are the operator's business, not the caller's.
            tracing::error!(subject, error = %e, "key store unavailable");
            ErrorData::internal_error(
                "the server cannot read its key store; its operator's log says why",
                None,
            )
        };
        let Some(enrolled) = self.store.get(subject).await.map_err(unavailable)? else {
            return Ok(None);
        };
        let credentials = Credentials {
            login: Some(enrolled.login),
            key: enrolled.key,
        };
        match identities.resolve(credentials).await {
            Ok(caller) => Ok(Some(caller)),
            Err(refusal @ (Refusal::Refused { .. } | Refusal::WrongLogin { .. })) => {
                tracing::info!(subject, reason = %refusal, "stored Odoo key refused: dropped, enrollment asked again");
                self.store.revoke(subject).await.map_err(unavailable)?;
                Ok(None)
            }
            Err(refusal) => Err(ErrorData::internal_error(refusal.to_string(), None)),
        }
    }

    /// Drops `subject`'s key after Odoo refused it mid-call.
    pub(crate) async fn drop_key(&self, subject: &str) {
        if let Err(error) = self.store.revoke(subject).await {
            tracing::warn!(subject, %error, "cannot drop a refused key");
        }
    }

    /// What a call without a key answers: the URL elicitation where the
    /// client takes one, else a tool error with the link in words. `Ok(())`
    /// when the person finished enrollment meanwhile: run the call.
    pub(crate) async fn ask(
        &self,
        subject: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), CallToolResponse> {
        let link = self
            .link(subject)
            .await
            .map_err(|e| refusal(e.to_string()))?;
        let message = format!(
            "This server acts in Odoo as you, and has no Odoo API key of yours yet. Open {link} (it works once, for {} minutes), sign in, and paste an Odoo API key (Odoo: Preferences → Account Security → New API Key); then call the tool again.",
            LINK_TTL.as_secs() / 60
        );
        let takes_url = context
            .client_capabilities()
            .is_some_and(|c| c.elicitation.as_ref().is_some_and(|e| e.url.is_some()));
        if !takes_url {
            return Err(refusal(message));
        }
        let id = random_token();
        let modern = context
            .protocol_version()
            .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        if modern {
            let params = ElicitRequestParams::UrlElicitationParams {
                meta: None,
                message,
                url: link,
                elicitation_id: id,
            };
            let requests = [(
                KEY.to_string(),
                InputRequest::Elicitation(ElicitRequest::new(params)),
            )];
            return Err(InputRequiredResult::new(Some(requests.into()), None).into());
        }
        let Ok(url) = url::Url::parse(&link) else {
            return Err(refusal(message));
        };
        // A client that never answers does not hold the call longer than the link lives.
        let answer = context
            .peer
            .elicit_url_with_timeout(message.clone(), url, id, Some(LINK_TTL))
            .await;
        match answer {
            Ok(ElicitationAction::Accept) if self.wait(subject).await => Ok(()),
            Ok(ElicitationAction::Accept) => Err(refusal(format!(
                "Enrollment is not finished yet. {message}"
            ))),
            Ok(_) => Err(refusal(format!(
                "Enrollment was declined, so nothing was done. {message}"
            ))),
            Err(_) => Err(refusal(message)),
        }
    }
}

fn refusal(message: String) -> CallToolResponse {
    CallToolResult::error(vec![ContentBlock::text(message)]).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::KeyStoreSettings;

    async fn enrollment(dir: &tempfile::TempDir) -> Enrollment {
        let settings = KeyStoreSettings {
            url: format!("sqlite://{}", dir.path().join("k.db").display()),
            secret: Some(odoo_client::Secret::new("a-long-operator-secret")),
        };
        let store = KeyStore::open(&settings).await.expect("store");
        Enrollment::new(Arc::new(store), "https://mcp.example.com/enroll".into())
    }

    #[tokio::test]
    async fn links_are_single_use_short_lived_and_bound_to_their_subject() {
        let dir = tempfile::tempdir().unwrap();
        let enrollment = enrollment(&dir).await;
        let link = enrollment.link("alice").await.unwrap();
        let token = link
            .strip_prefix("https://mcp.example.com/enroll?link=")
            .expect("the page's address");
        assert_eq!(token.len(), 43, "256 random bits");
        assert_ne!(
            enrollment.link("alice").await.unwrap(),
            link,
            "a new link each time"
        );
        assert_eq!(enrollment.redeem(token).await.as_deref(), Ok("alice"));
        assert_eq!(
            enrollment.redeem(token).await,
            Err(LinkRefused::Unknown),
            "used"
        );
        let old = enrollment.link("bob").await.unwrap();
        let token = old.rsplit('=').next().unwrap().to_string();
        enrollment.store.age_links(LINK_TTL.as_secs() as i64).await;
        assert_eq!(enrollment.redeem(&token).await, Err(LinkRefused::Expired));
        assert_eq!(enrollment.redeem(&token).await, Err(LinkRefused::Unknown));
        // A session sealed here opens here only, as sealed.
        let sealed = enrollment.seal_session(b"{\"subject\":\"alice\"}");
        assert_eq!(
            enrollment.open_session(&sealed).as_deref(),
            Some(&b"{\"subject\":\"alice\"}"[..])
        );
        let mut forged = sealed.clone().into_bytes();
        forged[40] = if forged[40] == b'A' { b'B' } else { b'A' };
        assert!(
            enrollment
                .open_session(&String::from_utf8(forged).unwrap())
                .is_none()
        );
    }
}
