//! The `leaderd` package's integration tests, one binary (one link of the whole stack) with a
//! module per area. The live pieces they start (hook endpoints, controllers, agents, `leaderd
//! up`, etcd) come from `leaderd-testkit`; every process a test starts is stopped when it ends.
//!
//! Some modules need more than a fresh machine has and their tests are `#[ignore]`d here;
//! `.ci/run` installs what they need and runs them by module (`cargo test --test it --
//! --include-ignored acceptance::`).

mod acceptance;
mod actions_e2e;
mod bad_input;
mod chaos;
mod charm_forms;
mod cheatsheet;
mod cheatsheet_config;
mod cheatsheet_relations;
mod cheatsheet_status;
mod completions;
mod controller_api;
mod docs;
mod e2e;
mod etcd;
mod event_log;
mod format_props;
mod format_vectors;
mod fuzz;
mod hooktools_e2e;
mod hooktools_limits;
mod jubilant;
mod juju_cli;
mod juju_relations;
mod juju_view;
mod jujuc_link;
mod levers;
mod lifecycle;
mod limits;
mod network_e2e;
mod private_state;
mod relation_tools_across_apps;
mod relations_e2e;
mod sandbox;
mod secrets_cli;
mod secrets_e2e;
mod security;
mod security_argv;
mod security_terminal;
mod storage_e2e;
mod timeline;
