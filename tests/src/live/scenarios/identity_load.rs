//! The load on real Odoo, in `odoo-key` and `oauth` mode: 20 clients at
//! once alternating between admin and demo for 1,000 calls; every answer is
//! cross-checked against what Odoo itself shows that user (asked directly just
//! before and just after, as other runs may add orders to the shared lab
//! meanwhile), and none may fail.

use std::collections::BTreeMap;
use std::time::Instant;

use futures::future::join_all;
use odoo_client::{Domain, SearchOptions};
use serde_json::json;

use super::super::session::Session;
use super::{Run, client_for};

const CLIENTS: usize = 20;
const CALLS_EACH: usize = 50;
/// Orders per answer: the cross-check compares the whole page.
const PAGE: usize = 100;

impl Run<'_> {
    /// `people`: (Authorization, is demo) for admin and demo.
    pub(super) async fn identity_load(
        &mut self,
        mode: &str,
        url: &str,
        people: [(String, bool); 2],
        demo_env: &BTreeMap<String, String>,
    ) {
        let scenario = format!("{mode}: 20 clients, two users, 1,000 calls, no leak");
        let before = match self.visible(demo_env).await {
            Ok(before) => before,
            Err(e) => return self.step(scenario, Err(e)),
        };
        let mut clients = Vec::new();
        for n in 0..CLIENTS {
            let (auth, is_demo) = &people[n % 2];
            match Session::http_client_as(url, auth).await {
                Ok(session) => clients.push((*is_demo, session)),
                Err(e) => return self.step(scenario, Err(format!("client {n}: {e}"))),
            }
        }
        let args = json!({"model": "sale.order", "fields": ["id"], "limit": PAGE, "order": "id"});
        let started = Instant::now();
        let answers = join_all(clients.iter().map(|(is_demo, session)| {
            let args = args.clone();
            async move {
                let mut answers = Vec::with_capacity(CALLS_EACH);
                for _ in 0..CALLS_EACH {
                    let answer = session.call("search_records", args.clone()).await;
                    answers.push(match answer.is_ok() {
                        true => Ok(super::identity::ids(&answer.value)),
                        false => Err(answer.text),
                    });
                }
                (*is_demo, answers)
            }
        }))
        .await;
        let took = started.elapsed();
        let after = match self.visible(demo_env).await {
            Ok(after) => after,
            Err(e) => return self.step(scenario, Err(e)),
        };
        // What each may read: what Odoo showed it before or after.
        let may: [Vec<i64>; 2] = [0, 1].map(|n| {
            let mut ids = [before[n].clone(), after[n].clone()].concat();
            ids.sort_unstable();
            ids.dedup();
            ids
        });
        let (mut errors, mut leaks) = (0, 0);
        let mut why: Vec<&str> = Vec::new();
        for (is_demo, answers) in &answers {
            for answer in answers {
                let ids = match answer {
                    Ok(ids) => ids,
                    Err(text) => {
                        errors += 1;
                        if why.len() < 3 && !why.contains(&text.as_str()) {
                            why.push(text);
                        }
                        continue;
                    }
                };
                let outside = ids
                    .iter()
                    .any(|id| may[usize::from(*is_demo)].binary_search(id).is_err());
                // Admin's answer must hold orders demo cannot read: not demo's view.
                let demos_view = !is_demo && ids.iter().all(|id| may[1].binary_search(id).is_ok());
                if outside || demos_view || ids.is_empty() {
                    leaks += 1;
                }
            }
        }
        for (_, session) in clients {
            session.close().await;
        }
        let calls = CLIENTS * CALLS_EACH;
        let check = if (errors, leaks) == (0, 0) {
            Ok(format!(
                "{calls} calls, 0 errors, 0 answers other than Odoo's for the caller; {:.1} s, mean {:.0} ms per call",
                took.as_secs_f64(),
                took.as_secs_f64() * 1000.0 * CLIENTS as f64 / calls as f64
            ))
        } else {
            Err(format!(
                "{calls} calls: {errors} errors, {leaks} answers other than Odoo's for the caller; errors: {}",
                why.join(" | ")
            ))
        };
        // The double proves the same in CI (odoo-mcp's load tests): not recorded.
        self.real_odoo_only = true;
        self.step(scenario, check);
        self.real_odoo_only = false;
    }

    /// The first page of orders Odoo shows admin, and demo (asked directly as demo).
    async fn visible(&self, demo_env: &BTreeMap<String, String>) -> Result<[Vec<i64>; 2], String> {
        let options = SearchOptions::new().limit(PAGE as u64).order("id");
        let admin = self
            .odoo
            .search("sale.order", &Domain::new(), &options)
            .await
            .map_err(|e| e.to_string())?;
        let demo = client_for(demo_env)?
            .search("sale.order", &Domain::new(), &options)
            .await
            .map_err(|e| e.to_string())?;
        if admin.iter().all(|id| demo.contains(id)) {
            return Err("demo sees every order admin sees: nothing to tell apart".into());
        }
        Ok([admin, demo])
    }
}
