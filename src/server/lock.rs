//! Per-resource write locks. A write evaluates its preconditions and replaces the file while
//! holding the lock for its path, so that of N concurrent writers sending the same `If-Match`
//! exactly one wins (RFC 9110 §13.1.1 requires the check and the change to be atomic with
//! respect to each other). Readers never lock: they rely on the atomic rename in `resource`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// A map from a resource's path (relative to the served directory) to its lock. Entries are
/// held weakly and pruned as the map grows, so idle resources cost nothing.
#[derive(Debug, Default)]
pub struct LockMap {
    locks: Mutex<HashMap<PathBuf, Weak<AsyncMutex<()>>>>,
}

impl LockMap {
    /// Waits for the lock of `key`; it is released when the guard drops. The guard is `Send`,
    /// so it can be moved into a blocking task that must finish before the lock is released.
    pub async fn lock(&self, key: PathBuf) -> OwnedMutexGuard<()> {
        let lock = {
            // A panic while this std mutex is held cannot leave the map inconsistent.
            let mut map = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
            match map.get(&key).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    if map.len() >= 64 {
                        map.retain(|_, weak| weak.strong_count() > 0);
                    }
                    let lock = Arc::new(AsyncMutex::new(()));
                    map.insert(key, Arc::downgrade(&lock));
                    lock
                }
            }
        };
        lock.lock_owned().await
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.locks.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn same_key_excludes_other_keys_do_not() {
        let map = LockMap::default();
        let a = map.lock("a".into()).await;
        let b = map.lock("b".into()).await;
        let blocked = tokio::time::timeout(std::time::Duration::from_millis(50), map.lock("a".into())).await;
        assert!(blocked.is_err(), "a second lock on the same key must wait");
        drop(a);
        let _a = map.lock("a".into()).await;
        drop(b);
    }

    #[tokio::test]
    async fn idle_entries_are_pruned() {
        let map = LockMap::default();
        for i in 0..200 {
            drop(map.lock(format!("f{i}").into()).await);
        }
        assert!(map.len() <= 65, "{}", map.len());
    }
}
