//! The operating system as the daemons use it: private files and directories whatever the umask
//! ([`private`]), processes: signals and what `/proc` says ([`process`]), `flock` locks ([`lockfile`]),
//! SIGTERM/SIGINT as a shutdown future ([`shutdown`]), and the event log every process appends
//! to and the operator commands read ([`events`]).
//!
//! May use: `leaderd-core`, rustix (safe system calls), tokio (signals only), tracing.

pub mod events;
pub mod lockfile;
pub mod private;
pub mod process;
pub mod shutdown;
