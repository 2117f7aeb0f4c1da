//! Bounded containers the fixed twins use (the twins of lru-cache and `scenarios/kit/ring-buffer.ts`).

use std::collections::{HashMap, VecDeque};

/// A map holding at most `capacity` entries, each for at most `ttl_ms`: when full, the entry
/// inserted first goes (insertion order, like a FIFO cache; a hit does not renew an entry, so a
/// revoked key's stale metadata cannot outlive the TTL).
pub struct BoundedCache<V> {
    capacity: usize,
    ttl_ms: u64,
    entries: HashMap<String, (V, u64)>,
    order: VecDeque<String>,
}

impl<V> BoundedCache<V> {
    pub fn new(capacity: usize, ttl_ms: u64) -> Self {
        BoundedCache { capacity, ttl_ms, entries: HashMap::with_capacity(capacity), order: VecDeque::with_capacity(capacity) }
    }

    /// The live entry for `key`, if any (an expired one is removed).
    pub fn get_mut(&mut self, key: &str, now_ms: u64) -> Option<&mut V> {
        let expired = matches!(self.entries.get(key), Some((_, at)) if now_ms.saturating_sub(*at) > self.ttl_ms);
        if expired {
            self.entries.remove(key);
            self.order.retain(|k| k != key);
            return None;
        }
        self.entries.get_mut(key).map(|(v, _)| v)
    }

    pub fn insert(&mut self, key: String, value: V, now_ms: u64) {
        while self.entries.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.entries.remove(&oldest);
                }
                None => break,
            }
        }
        if self.entries.insert(key.clone(), (value, now_ms)).is_none() {
            self.order.push_back(key);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A ring of at most `capacity` items; a push beyond that overwrites the oldest and counts it dropped.
pub struct Ring<T> {
    capacity: usize,
    items: VecDeque<T>,
    pub dropped: u64,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Ring { capacity, items: VecDeque::with_capacity(capacity), dropped: 0 }
    }

    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
    }

    /// Takes every item out, oldest first.
    pub fn drain(&mut self) -> Vec<T> {
        self.items.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_never_exceeds_its_capacity_and_expires() {
        let mut cache = BoundedCache::new(3, 100);
        for i in 0..10 {
            cache.insert(format!("k{}", i), i, 0);
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get_mut("k9", 50).is_some());
        assert!(cache.get_mut("k9", 500).is_none());
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn ring_overwrites_the_oldest() {
        let mut ring = Ring::new(2);
        for i in 0..5 {
            ring.push(i);
        }
        assert_eq!(ring.drain(), vec![3, 4]);
        assert_eq!(ring.dropped, 3);
    }
}
