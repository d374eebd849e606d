//! Idle sessions expire; a session someone is watching (a frame stream is open) or has just
//! used does not.

use std::time::Duration;

use moons_playground::registry::Registry;
use moons_playground::{Config, Session};

fn session() -> Session {
    Session::new(Config::default()).unwrap()
}

#[test]
fn idle_sessions_expire_and_watched_or_used_ones_stay() {
    let registry = Registry::new(8);
    let (idle, _) = registry.insert(session()).unwrap();
    let (watched, watched_entry) = registry.insert(session()).unwrap();
    let (used, used_entry) = registry.insert(session()).unwrap();
    let _stream = watched_entry.subscribe();
    std::thread::sleep(Duration::from_millis(60));

    // Nothing has been idle for a minute.
    registry.expire(Duration::from_secs(60));
    assert_eq!(registry.len(), 3);

    drop(used_entry.lock());
    registry.expire(Duration::from_millis(30));
    assert!(
        registry.get(&idle).is_none(),
        "idle for 60 ms, past the 30 ms limit"
    );
    assert!(registry.get(&watched).is_some(), "its frame stream is open");
    assert!(registry.get(&used).is_some(), "used just now");
    assert_eq!(registry.len(), 2);

    registry.close_all();
    assert!(registry.is_empty());
}
