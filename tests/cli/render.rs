//! Pages built by scripts, fetched in headless Chromium (`render`, `--render`), against the local
//! server. The tests that need the browser are ignored by `cargo test` and run by `.ci/run`, which
//! installs Chromium: `cargo test --test cli render:: -- --ignored`. The others show what happens
//! without a browser, and run everywhere.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::server::{Reply, Server};
use crate::util::{orgcheck, run, snapshot};

/// The policy the scripts write: long enough to count as a policy, with the practices compare reads.
const POLICY: &str = "We may share aggregated information about how you use our network, including your \
                      location, with advertisers and other carefully selected partners. You can opt out of \
                      this at any time in your account settings.";

const HTML: &str = "text/html; charset=utf-8";

/// A page whose body is `body` and whose script, run after load, is `script`.
fn scripted(body: &str, script: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Privacy</title></head>\
         <body><nav><a href=\"/\">Home</a></nav>{body}<script>{script}</script></body></html>"
    )
}

/// `POLICY` as a JavaScript string.
fn js_policy() -> String {
    serde_json::to_string(POLICY).unwrap()
}

fn site(secret: &Path) -> Server {
    let secret = format!("file://{}", secret.display());
    Server::start(move |req, _| {
        let policy = js_policy();
        match req.path.as_str() {
            "/plain" => Reply::ok(HTML, format!("<html><body><main><p>{POLICY}</p></main></body></html>")),
            // A challenge that lets browsers through and refuses other clients.
            "/challenge" if req.header("user-agent").is_some_and(|ua| ua.contains("Chrome/")) => {
                Reply::ok(HTML, format!("<html><body><main><p>{POLICY}</p></main></body></html>"))
            }
            "/challenge" => Reply::status(403, &[]),
            "/now" => Reply::ok(
                HTML,
                scripted(
                    "<main id=\"app\"></main>",
                    &format!("document.getElementById('app').innerHTML = '<p>' + {policy} + '</p>';"),
                ),
            ),
            "/late" => Reply::ok(
                HTML,
                scripted(
                    "<main id=\"app\">Loading…</main>",
                    &format!(
                        "setTimeout(() => {{ document.getElementById('app').innerHTML = '<p>' + {policy} + '</p>'; \
                         }}, 500);"
                    ),
                ),
            ),
            "/fetched" => Reply::ok(
                HTML,
                scripted(
                    "<main id=\"app\"><noscript>Please enable JavaScript to read our privacy policy.</noscript></main>",
                    "fetch('/policy.json').then(r => r.json()).then(d => { \
                     document.getElementById('app').innerHTML = '<p>' + d.text + '</p>'; });",
                ),
            ),
            "/policy.json" => Reply::ok("application/json", serde_json::json!({ "text": POLICY }).to_string())
                .delayed(std::time::Duration::from_millis(300)),
            "/alert" => Reply::ok(
                HTML,
                scripted(
                    "<main id=\"app\"></main>",
                    &format!(
                        "alert('Before you read on, accept our cookies'); \
                         document.getElementById('app').innerHTML = '<p>' + {policy} + '</p>';"
                    ),
                ),
            ),
            "/wall" => Reply::ok(
                HTML,
                scripted(
                    &format!("<main><p>{POLICY}</p></main>"),
                    "const w = document.createElement('div'); w.id = 'consent'; \
                     w.innerHTML = '<h2>We value your privacy</h2><p>We and our 842 partners store and access \
                     information on your device. Click Accept all to consent to our use of cookies.</p>\
                     <button>Accept all</button>'; document.querySelector('main').prepend(w);",
                ),
            ),
            "/never" => Reply::ok(
                HTML,
                scripted(
                    &format!("<main><p>{POLICY}</p></main>"),
                    "setInterval(() => fetch('/tick?' + Math.random()), 100);",
                ),
            ),
            "/escape" => Reply::ok(
                HTML,
                scripted(
                    &format!("<main id=\"app\"><p>{POLICY}</p></main><iframe src=\"{secret}\"></iframe>"),
                    &format!(
                        "fetch('{secret}').then(r => r.text()).then(t => {{ \
                         document.getElementById('app').textContent = t; }}).catch(() => {{}}); \
                         setTimeout(() => {{ location.href = '{secret}'; }}, 50);"
                    ),
                ),
            ),
            p if p.starts_with("/tick") => Reply::ok("text/plain", "tick"),
            _ => Reply::status(404, &[]),
        }
    })
}

/// A providers directory declaring `documents` (TOML for each `[[documents]]` table) and then
/// `pages` (each a `[[statements]]` table of a statement page).
fn providers_with_pages(dir: &Path, documents: &[String], pages: &[String]) {
    let mut toml = String::from("name = \"Acme\"\n");
    for d in documents {
        toml.push_str("\n[[documents]]\n");
        toml.push_str(d);
    }
    for p in pages {
        toml.push_str("\n[[statements]]\n");
        toml.push_str(p);
    }
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("acme.toml"), toml).unwrap();
}

fn providers(dir: &Path, documents: &[String]) {
    providers_with_pages(dir, documents, &[]);
}

fn doc(id: &str, url: &str, extra: &str) -> String {
    format!("id = \"{id}\"\nurl = \"{url}\"\n{extra}")
}

/// The browser for the tests that need one: $ORGCHECK_CHROMIUM, else `chromium` on PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("ORGCHECK_CHROMIUM").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    orgcheck::inputs::browser::find(None, Some(&path))
        .expect("these tests need Chromium: install it (Debian: apt install chromium) or set ORGCHECK_CHROMIUM")
}

/// A run's world: its own HOME and TMPDIR, to show that the browser leaves nothing behind.
struct World {
    root: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let root = tempfile::tempdir().unwrap();
        for d in ["home", "tmp", "providers"] {
            fs::create_dir(root.path().join(d)).unwrap();
        }
        fs::write(
            root.path().join("secret.txt"),
            "SECRET-MARKER: this file is outside the store and must never be read into it.",
        )
        .unwrap();
        World { root }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.root.path().join(p)
    }

    /// Runs `orgcheck COMMAND --providers providers --store store --format json ARGS` here, with
    /// `browser` as the browser (`None`: a path where there is none).
    fn run(&self, browser: Option<&Path>, command: &str, args: &[&str]) -> crate::util::Output {
        self.run_with(browser, &[], command, args)
    }

    fn run_with(
        &self,
        browser: Option<&Path>,
        env: &[(&str, &str)],
        command: &str,
        args: &[&str],
    ) -> crate::util::Output {
        let mut cmd = orgcheck();
        cmd.envs(env.iter().copied());
        cmd.current_dir(self.root.path())
            .env("HOME", self.path("home"))
            .env("TMPDIR", self.path("tmp"))
            .env(
                "ORGCHECK_CHROMIUM",
                browser.map_or_else(|| self.path("no-chromium"), Path::to_path_buf),
            )
            .args([
                command,
                "--only-providers",
                "providers",
                "--store",
                "store",
                "--format",
                "json",
            ])
            .args(args);
        run(&mut cmd)
    }

    fn fetch(&self, browser: Option<&Path>, args: &[&str]) -> crate::util::Output {
        self.run(browser, "fetch", args)
    }

    fn result(&self, out: &crate::util::Output, id: &str) -> Value {
        let json: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["document"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no result for {id}: {}", out.stdout))
    }

    fn stored(&self, id: &str) -> Option<(String, Value)> {
        let text = fs::read_to_string(self.path(&format!("store/acme/{id}.txt"))).ok()?;
        let meta = fs::read_to_string(self.path(&format!("store/acme/{id}.json"))).unwrap();
        Some((text, serde_json::from_str(&meta).unwrap()))
    }

    /// Nothing but the store was written: HOME and TMPDIR are empty, the declarations untouched.
    fn assert_only_the_store_changed(&self, providers_before: &std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for d in ["home", "tmp"] {
            let left: Vec<_> = fs::read_dir(self.path(d))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            assert!(left.is_empty(), "the run left files in {d}: {left:?}");
        }
        assert_eq!(&snapshot(&self.path("providers")), providers_before);
        let top: Vec<String> = fs::read_dir(self.root.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let mut top = top;
        top.sort();
        assert_eq!(
            top,
            ["home", "providers", "secret.txt", "store", "tmp"],
            "files beside the store"
        );
    }
}

/// Pages whose policy only a browser sees (written by a script at once, after 500 ms, from a second
/// request, after an `alert`; behind a 403 for non-browsers), a plain page, and a statement page.
fn script_built_declarations(world: &World, server: &Server) {
    providers_with_pages(
        &world.path("providers"),
        &[
            doc("now", &server.url("/now"), ""),
            doc("late", &server.url("/late"), "render = true\n"),
            doc("fetched", &server.url("/fetched"), "select = [\"#app\"]\n"),
            doc("plain", &server.url("/plain"), ""),
            doc("alert", &server.url("/alert"), "render = true\n"),
            doc("challenge", &server.url("/challenge"), ""),
            doc("declared", &server.url("/plain"), "render = true\n"),
        ],
        &[doc(
            "hub",
            &server.url("/late"),
            "render = true\nwait_for = \"#app p\"\n",
        )],
    );
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn script_written_policies_are_rendered_and_stored() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    script_built_declarations(&world, &server);
    let before = snapshot(&world.path("providers"));
    let out = world.fetch(Some(&chromium()), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (id, why) in [
        ("now", "the plain fetch gave only "),
        ("late", "declared `render = true`"),
        ("fetched", "the plain fetch gave "),
        ("hub", "declared `render = true`"),
        ("alert", "declared `render = true`"),
        ("challenge", "the plain fetch was refused (403)"),
        ("declared", "declared `render = true`"),
    ] {
        let result = world.result(&out, id);
        assert_eq!(result["status"], "new", "{id}: {result}");
        assert!(
            result["rendering"]["why"].as_str().unwrap().starts_with(why),
            "{id}: {result}"
        );
        assert!(
            result["rendering"]["browser"].as_str().unwrap().contains('/'),
            "{result}"
        );
        let (text, meta) = world.stored(id).unwrap();
        assert!(text.contains(POLICY), "{id}: {text}");
        assert!(
            !text.contains("Loading") && !text.contains("enable JavaScript"),
            "{id}: {text}"
        );
        assert_eq!(meta["rendered"]["why"], result["rendering"]["why"], "{id}: {meta}");
        assert_eq!(meta["kind"], "html");
    }
    // The script-built pages took the browser; the plain page did not, and its record is as before.
    let plain = world.result(&out, "plain");
    assert!(plain.get("rendering").is_none(), "{plain}");
    let (text, meta) = world.stored("plain").unwrap();
    assert!(text.contains(POLICY));
    assert!(meta.get("rendered").is_none(), "{meta}");
    // The policy of /fetched came from the second request the page made.
    assert_eq!(server.requests_to("/policy.json").len(), 1);
    assert!(
        out.stderr.is_empty() || !out.stderr.contains("needed a browser"),
        "{}",
        out.stderr
    );
    world.assert_only_the_store_changed(&before);

    assert_eq!(world.result(&out, "hub")["role"], "statement");

    // Rendered again, the same text is `unchanged`; `check --live` renders each page the same way.
    let again = world.fetch(Some(&chromium()), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    for id in [
        "now",
        "late",
        "fetched",
        "plain",
        "hub",
        "alert",
        "challenge",
        "declared",
    ] {
        assert_eq!(world.result(&again, id)["status"], "unchanged", "{id}");
    }
    let check = world.run(Some(&chromium()), "check", &["--live"]);
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    let report: Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["summary"]["unchanged"], 8, "{report}");
    assert_eq!(report["summary"]["changed"], 0, "{report}");
    world.assert_only_the_store_changed(&before);
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn a_cookie_wall_added_by_script_is_removed() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    providers(
        &world.path("providers"),
        &[
            doc("walled", &server.url("/wall"), "render = true\n"),
            doc(
                "cleared",
                &server.url("/wall"),
                "render = true\nremove = [\"#consent\"]\nwait_for = \"#consent\"\n",
            ),
        ],
    );
    let before = snapshot(&world.path("providers"));
    let out = world.fetch(Some(&chromium()), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (walled, _) = world.stored("walled").unwrap();
    assert!(
        walled.contains("842 partners"),
        "without `remove` the wall is in the text: {walled}"
    );
    let (cleared, _) = world.stored("cleared").unwrap();
    assert!(cleared.contains(POLICY), "{cleared}");
    assert!(
        !cleared.contains("842 partners") && !cleared.contains("Accept all"),
        "{cleared}"
    );
    world.assert_only_the_store_changed(&before);
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn a_page_that_never_settles_fails_by_timeout() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    providers(
        &world.path("providers"),
        &[
            doc("busy", &server.url("/never"), "render = true\n"),
            doc(
                "waits",
                &server.url("/now"),
                "render = true\nwait_for = \"#nothing-like-this\"\n",
            ),
        ],
    );
    let before = snapshot(&world.path("providers"));
    let started = std::time::Instant::now();
    let out = world.fetch(Some(&chromium()), &["--render-timeout", "3"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let busy = world.result(&out, "busy");
    assert_eq!(busy["status"], "failed");
    let reason = busy["reason"].as_str().unwrap();
    assert!(
        reason.contains("did not settle within 3 s") && reason.contains("/tick") && reason.contains("wait_for"),
        "{reason}"
    );
    let waits = world.result(&out, "waits");
    let reason = waits["reason"].as_str().unwrap();
    assert!(
        reason.contains("`wait_for = \"#nothing-like-this\"` never matched"),
        "{reason}"
    );
    // Both pages rendered at once, each cut off at its timeout: not one after the other, not hung.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
    assert!(world.stored("busy").is_none() && world.stored("waits").is_none());
    world.assert_only_the_store_changed(&before);
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn a_page_cannot_reach_local_files() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    providers(
        &world.path("providers"),
        &[doc("escape", &server.url("/escape"), "render = true\n")],
    );
    let before = snapshot(&world.path("providers"));
    let out = world.fetch(Some(&chromium()), &[]);
    let result = world.result(&out, "escape");
    if let Some((text, meta)) = world.stored("escape") {
        // The page stayed on the web: its own text, none of the file's.
        assert!(text.contains(POLICY), "{text}");
        assert!(meta["final_url"].as_str().unwrap().starts_with("http://"), "{meta}");
    } else {
        let reason = result["reason"].as_str().unwrap();
        assert!(reason.contains("file://") || reason.contains("http"), "{reason}");
    }
    let stored = snapshot(&world.path("store"));
    assert!(
        stored
            .values()
            .all(|bytes| !String::from_utf8_lossy(bytes).contains("SECRET-MARKER")),
        "the local file reached the store"
    );
    world.assert_only_the_store_changed(&before);
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn a_page_from_the_web_cannot_reach_private_addresses() {
    let world = World::new();
    // The network inside: this machine's 127.0.0.1, answering any page that asks (CORS).
    let inside = Server::start(|_, _| {
        Reply::ok("text/plain", "INTRANET-MARKER").with_header("Access-Control-Allow-Origin", "*")
    });
    let secret = inside.url("/secret");
    // The page from the web: on 127.0.0.2, which this test counts as public.
    let page = Server::start_on("127.0.0.2", move |req, _| match req.path.as_str() {
        "/reach" => Reply::ok(
            HTML,
            scripted(
                &format!("<main id=\"app\"><p>{POLICY}</p></main><img src=\"{secret}?img\">"),
                &format!(
                    "fetch('{secret}?fetch').then(r => r.text()).then(t => {{ \
                     document.getElementById('app').textContent += t; }}).catch(() => {{}});"
                ),
            ),
        ),
        "/redirect" => Reply::status(302, &[("Location", secret.as_str())]),
        "/plain" => Reply::ok(HTML, format!("<html><body><main><p>{POLICY}</p></main></body></html>")),
        _ => Reply::status(404, &[]),
    });
    providers(
        &world.path("providers"),
        &[
            doc("reach", &page.url("/reach"), "render = true\n"),
            doc("redirect", &page.url("/redirect"), "render = true\n"),
            doc("plain", &page.url("/plain"), "render = true\n"),
        ],
    );
    let public = [("ORGCHECK_TEST_PUBLIC_ADDRESSES", "127.0.0.2")];
    let out = world.run_with(Some(&chromium()), &public, "fetch", &["--render", "always"]);
    assert!(
        inside.requests().is_empty(),
        "the browser reached 127.0.0.1: {:?}",
        inside.requests()
    );
    for id in ["reach", "redirect"] {
        let result = world.result(&out, id);
        let reason = result["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("private address") && reason.contains("--allow-private"),
            "{id}: {result}"
        );
    }
    // A page that stays on the web is rendered as before.
    assert!(
        world.stored("plain").is_some_and(|(text, _)| text.contains(POLICY)),
        "{}",
        out.stderr
    );
    let stored = snapshot(&world.path("store"));
    assert!(
        stored
            .values()
            .all(|b| !String::from_utf8_lossy(b).contains("INTRANET-MARKER")),
        "the private answer reached the store"
    );
    // --allow-private lets the same page in: the browser does reach 127.0.0.1 then.
    world.run_with(
        Some(&chromium()),
        &public,
        "fetch",
        &["--render", "always", "--allow-private"],
    );
    assert!(!inside.requests().is_empty(), "--allow-private let nothing through");
}

/// Without Chromium (`ORGCHECK_CHROMIUM` naming nothing): `auto` keeps the plain fetch with one note,
/// `always` fails each document with an install hint, and `never` does not look for a browser.
#[test]
fn without_a_browser_auto_falls_back_and_always_fails() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    script_built_declarations(&world, &server);
    let before = snapshot(&world.path("providers"));

    let auto = world.fetch(None, &[]);
    assert_eq!(auto.code, 2, "the script-built pages still fail: {}", auto.stderr);
    let notes: Vec<&str> = auto.stderr.lines().filter(|l| l.contains("needed a browser")).collect();
    assert_eq!(notes.len(), 1, "one note for the run: {}", auto.stderr);
    assert!(
        notes[0].contains("7 documents needed a browser (acme/now: the plain fetch gave only ")
            && notes[0].contains("acme/late: declared `render = true`")
            && notes[0].contains("; and 2 more)")
            && notes[0].contains("Chromium was not found")
            && notes[0].contains("apt install chromium"),
        "{}",
        notes[0]
    );
    for id in ["now", "late", "fetched", "alert", "hub", "challenge"] {
        let r = world.result(&auto, id);
        assert_eq!(r["status"], "failed", "{id}: {r}");
        assert_eq!(r["rendering"]["browser"], Value::Null, "{id}: {r}");
        assert!(
            r["rendering"]["unavailable"].as_str().unwrap().contains("not found"),
            "{r}"
        );
    }
    // `render = true` with no browser: the plain page is stored as a plain page.
    assert_eq!(world.result(&auto, "declared")["status"], "new");
    assert!(world.stored("declared").unwrap().1.get("rendered").is_none());
    assert_eq!(world.result(&auto, "plain")["status"], "new");
    assert!(world.result(&auto, "plain").get("rendering").is_none());

    let always = world.fetch(None, &["--render", "always"]);
    assert_eq!(always.code, 2);
    for id in [
        "now",
        "late",
        "fetched",
        "alert",
        "hub",
        "challenge",
        "declared",
        "plain",
    ] {
        let r = world.result(&always, id);
        assert_eq!(r["status"], "failed", "{id}: {r}");
        let reason = r["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("needs a browser (") && reason.contains("apt install chromium"),
            "{reason}"
        );
    }
    assert!(!always.stderr.contains("needed a browser"), "{}", always.stderr);

    let never = world.fetch(None, &["--render", "never"]);
    assert!(!never.stderr.contains("browser"), "{}", never.stderr);
    assert_eq!(world.result(&never, "now")["status"], "failed");
    assert_eq!(world.result(&never, "plain")["status"], "unchanged");
    world.assert_only_the_store_changed(&before);
}

/// `check --live` on a rendered page: a change is confirmed by rendering the page a second time, and
/// a page that renders differently every time is `unstable`, as a plain page would be.
#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn check_live_confirms_a_rendered_change() {
    use std::sync::{Arc, Mutex};
    let world = World::new();
    let words = Arc::new(Mutex::new(POLICY.to_string()));
    let served = words.clone();
    let server = Server::start(move |req, seen| {
        let text = match req.path.as_str() {
            "/stable" => served.lock().unwrap().clone(),
            // A different text on every request: never the same twice.
            "/varies" => format!("{POLICY} Reference {seen}."),
            _ => return Reply::status(404, &[]),
        };
        let text = serde_json::to_string(&text).unwrap();
        Reply::ok(
            HTML,
            scripted(
                "<main id=\"app\"></main>",
                &format!("document.getElementById('app').textContent = {text};"),
            ),
        )
    });
    providers(
        &world.path("providers"),
        &[
            doc("stable", &server.url("/stable"), "render = true\n"),
            doc("varies", &server.url("/varies"), "render = true\n"),
        ],
    );
    let check = || {
        let out = world.run(Some(&chromium()), "check", &["--live"]);
        let report: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
        let status = |id: &str| {
            report["documents"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["document"] == id)
                .map(|d| d["status"].as_str().unwrap().to_string())
                .unwrap()
        };
        (out.code, status("stable"), status("varies"))
    };
    let (_, stable, varies) = check();
    assert_eq!((stable.as_str(), varies.as_str()), ("new", "new"));
    *words.lock().unwrap() = POLICY.replace("You can opt out", "You cannot opt out");
    let (code, stable, varies) = check();
    assert_eq!(
        (stable.as_str(), varies.as_str()),
        ("changed", "unstable"),
        "exit {code}"
    );
    // The change was rendered twice before it was believed.
    assert_eq!(server.requests_to("/stable").len(), 3);
    let (text, _) = world.stored("stable").unwrap();
    assert!(text.contains("You cannot opt out"), "{text}");
}

/// `extract URL` renders a script-built page the way `fetch` does; without a browser it says what the
/// page needed and fails as before.
#[test]
#[ignore = "needs Chromium; .ci/run runs it with --ignored"]
fn extract_url_renders_a_script_built_page() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    let out = run(orgcheck()
        .env("ORGCHECK_CHROMIUM", chromium())
        .env("HOME", world.path("home"))
        .env("TMPDIR", world.path("tmp"))
        .args(["extract", &server.url("/now"), "--format", "json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("rendered in Chrome/"), "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(report.to_string().contains("third-party-sharing"), "{report}");
    for d in ["home", "tmp"] {
        assert_eq!(fs::read_dir(world.path(d)).unwrap().count(), 0, "{d}");
    }
}

#[test]
fn extract_url_without_a_browser_says_what_the_page_needed() {
    let world = World::new();
    let server = site(&world.path("secret.txt"));
    let out = run(orgcheck().args(["extract", &server.url("/now")]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the page seems to need a browser (the plain fetch gave only ")
            && out.stderr.contains("Chromium was not found"),
        "{}",
        out.stderr
    );
    let plain = run(orgcheck().args(["extract", &server.url("/now"), "--render", "never"]));
    assert_eq!(plain.code, 2);
    assert!(!plain.stderr.contains("seems to need a browser"), "{}", plain.stderr);
}
