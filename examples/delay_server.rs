//! The server for `bench/fetch.sh`: policy pages on `PORTS` ports of 127.0.0.1 (8 by default), each
//! answered after `DELAY_MS`. One port stands for one site, since orgcheck limits requests per host
//! and port. It prints the ports, one per line, then serves until killed.
//!
//! Usage: cargo run --release --example delay_server -- DELAY_MS [PORTS]
//!
//! It is the tests' std-only server (`tests/cli/server.rs`): a thread per connection, keep-alive,
//! so that the server's own cost stays far below the delay being measured.

#[path = "../tests/cli/server.rs"]
#[allow(dead_code)]
mod server;

use std::time::Duration;

use server::{Reply, Server};

fn main() {
    let mut args = std::env::args().skip(1);
    let delay_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let ports: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let delay = Duration::from_millis(delay_ms);
    let servers: Vec<Server> = (0..ports)
        .map(|_| {
            Server::start(move |request, _| {
                let body = format!(
                    "Privacy policy for document {}.\n\nWe may share aggregated usage data with our partners. \
                     You can opt out of marketing at any time. We never sell your location.",
                    request.path
                );
                Reply::ok("text/plain; charset=utf-8", body).delayed(delay)
            })
        })
        .collect();
    for s in &servers {
        println!("{}", s.addr.port());
    }
    loop {
        std::thread::park();
    }
}
