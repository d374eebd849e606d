//! `moons playground`: a page that trains and draws networks live, served with a JSON API
//! from one local process, on the same engine as `moons train` (same settings, same bits).
//!
//! ```no_run
//! let running = moons_playground::start(&moons_playground::Options::default())?;
//! println!("moons playground at {}", running.url());
//! running.stop();
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The contract (configuration keys, routes, frames, guards) is in `docs/playground.md`.

pub mod assets;
pub mod config;
pub mod experiment;
pub mod frame;
pub mod registry;
pub mod server;
pub mod session;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

pub use config::{Config, ConfigError};
pub use session::Session;

/// Where to listen and how many sessions to hold.
#[derive(Clone, Debug)]
pub struct Options {
    pub host: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub max_sessions: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 7777,
            max_sessions: 32,
        }
    }
}

/// A server running on its own threads.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Ends every stream and session and waits for the server's threads.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.stop.send_replace(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Binds `options.host:options.port` and serves on background threads.
pub fn start(options: &Options) -> std::io::Result<Running> {
    let listener = std::net::TcpListener::bind((options.host, options.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let app = Arc::new(server::App {
        registry: registry::Registry::new(options.max_sessions),
        addr,
        shutdown: stopped.clone(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("playground-io")
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("playground".into())
        .spawn(move || {
            runtime.block_on(serve(listener, app, stopped));
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
    Ok(Running {
        addr,
        stop,
        thread: Some(thread),
    })
}

async fn serve(
    listener: std::net::TcpListener,
    app: Arc<server::App>,
    mut stopped: watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let reaper = {
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                let app = Arc::clone(&app);
                let _ =
                    tokio::task::spawn_blocking(move || app.registry.expire(registry::IDLE_EXPIRY))
                        .await;
            }
        })
    };
    let router = server::router(Arc::clone(&app));
    let mut deadline = stopped.clone();
    let graceful = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|s| *s).await;
    });
    // A client that keeps a connection open cannot hold the process past the deadline.
    tokio::select! {
        _ = graceful => {}
        _ = async move {
            let _ = deadline.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_millis(600)).await;
        } => {}
    }
    reaper.abort();
    let _ = tokio::task::spawn_blocking(move || app.registry.close_all()).await;
}
