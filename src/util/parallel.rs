//! Runs one function over many independent items on every core, results in item order.
//!
//! The sections of a big dump, and the listeners of a dump, do not depend on each other,
//! so they are parsed and decoded on all cores at once. Each thread takes the next task
//! (`per_task` items) when done with one, so uneven items still share the work.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A helper's stack, as big as the main thread's: decoding a listener recurses as deep as
/// its matcher trees (up to serde_json's nesting limit), as it would on the main thread.
const STACK: usize = 8 << 20;

/// The cores this process may use (1 when the system does not say). Asked once: on
/// Linux the answer comes from reading cgroup files.
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// `f` of each item, in the items' order. Runs on the calling thread alone when there is
/// one task or one core.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    per_task: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if items.len() <= per_task.max(1) || cores() < 2 {
        return items.iter().map(f).collect();
    }
    let threads = cores();
    let chunks: Vec<&[T]> = items.chunks(per_task.max(1)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(i) else {
                break;
            };
            done.push((i, chunk.iter().map(&f).collect::<Vec<R>>()));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        // A helper the system will not start (a thread limit) leaves its share to the
        // others: every thread takes tasks until none is left.
        let helpers: Vec<_> = (1..threads.min(chunks.len()))
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for helper in helpers {
            match helper.join() {
                Ok(more) => all.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order() {
        for per_task in [0, 1, 64] {
            for len in [0, 1, 63, 64, 65, 1000] {
                let items: Vec<usize> = (0..len).collect();
                let got = map_in_order(&items, per_task, |&i| i * 2);
                let want: Vec<usize> = (0..len).map(|i| i * 2).collect();
                assert_eq!(got, want, "{per_task} {len}");
            }
        }
    }
}
