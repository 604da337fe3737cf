//! One way to stop, for every long-running command (the controller, the agent, `up`): the
//! first SIGINT or SIGTERM asks it to stop, and it then drains what it is doing in its own way
//! (the controller finishes requests in flight, the agent stops its hooks' process groups,
//! `up` stops its agents and then its controller).

use tokio::signal::unix::{signal, Signal, SignalKind};

/// SIGINT and SIGTERM, caught from the moment this is made (so a signal that arrives while
/// the command is still starting is not lost, nor does it kill the process half-way).
pub struct Shutdown {
    interrupt: Signal,
    terminate: Signal,
}

impl Shutdown {
    /// Catches SIGINT and SIGTERM (call it inside a tokio runtime).
    pub fn catch() -> std::io::Result<Shutdown> {
        Ok(Shutdown { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
    }

    /// Completes at the first SIGINT or SIGTERM since [`catch`](Self::catch).
    pub async fn requested(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sigterm_to_this_process_is_a_shutdown_request() {
        let mut shutdown = Shutdown::catch().unwrap();
        // This process's SIGTERM is caught above.
        assert!(crate::process::signal(std::process::id(), crate::process::Signal::TERM));
        tokio::time::timeout(std::time::Duration::from_secs(5), shutdown.requested()).await.unwrap();
    }
}
