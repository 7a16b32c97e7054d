//! The fleet progress bar: on stderr, only when stderr is a terminal, so that piped and
//! captured runs print nothing but the report and the error lines.

/// The fleet progress bar: on stderr, only when stderr is a terminal; one bar for every
/// cluster of the run.
pub struct Progress(pub(super) Option<indicatif::ProgressBar>);

impl Default for Progress {
    fn default() -> Self {
        Progress::new()
    }
}

impl Progress {
    /// A bar on a terminal, nothing otherwise.
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} pods read {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    /// A source announced `pods` more pods.
    pub(super) fn add(&self, pods: usize) {
        if let Some(bar) = &self.0 {
            bar.inc_length(pods as u64);
        }
    }

    /// One more pod done.
    pub(super) fn advance(&self, failed: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            if failed > 0 {
                bar.set_message(format!("({failed} failed)"));
            }
        }
    }

    /// Clears the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
