//! The relation tools' help text, Juju 3.6.0's words (`worker/uniter/runner/jujuc/relation-*.go`).

/// `relation-ids`'s Details, as Juju 3.6.0 prints them.
pub(crate) const RELATION_IDS_DETAILS: &str = r#"relation-ids outputs a list of the related applications with a relation name.
Accepts a single argument (relation-name) which, in a relation hook, defaults
to the name of the current relation. The output is useful as input to the
relation-list, relation-get, and relation-set commands to read or write other
relation values.

Only relation ids for relations which are not broken are included.

"#;

/// `relation-ids`'s Examples.
pub(crate) const RELATION_IDS_EXAMPLES: &str = r#"
    relation-ids database
"#;

/// `relation-list`'s Details, as Juju 3.6.0 prints them.
pub(crate) const RELATION_LIST_DETAILS: &str = r#"-r must be specified when not in a relation hook

relation-list outputs a list of all the related units for a relation identifier.
If not running in a relation hook context, -r needs to be specified with a
relation identifier similar to the relation-get and relation-set commands.
"#;

/// `relation-get`'s Details, as Juju 3.6.0 prints them.
pub(crate) const RELATION_GET_DETAILS: &str = r#"relation-get prints the value of a unit's relation setting, specified by key.
If no key is given, or if the key is "-", all keys and values will be printed.

A unit can see its own settings by calling "relation-get - MYUNIT", this will include
any changes that have been made with "relation-set".

When reading remote relation data, a charm can call relation-get --app - to get
the data for the application data bag that is set by the remote applications
leader.

Further details:
relation-get reads the settings of the local unit, or of any remote unit, in a given
relation (set with -r, defaulting to the current relation identifier, as in relation-set).
The first argument specifies the settings key, and the second the remote unit, which may
be omitted if a default is available (that is, when running a relation hook other
than -relation-broken).

If the first argument is omitted, a dictionary of all current keys and values will be
printed; all values are always plain strings without any interpretation. If you need to
specify a remote unit but want to see all settings, use - for the first argument.

The environment variable JUJU_REMOTE_UNIT stores the default remote unit.

You should never depend upon the presence of any given key in relation-get output.
Processing that depends on specific values (other than private-address) should be
restricted to -relation-changed hooks for the relevant unit, and the absence of a
remote unit’s value should never be treated as an error in the local unit.

In practice, it is common and encouraged for -relation-changed hooks to exit early,
without error, after inspecting relation-get output and determining the data is
inadequate; and for all other hooks to be resilient in the face of missing keys,
such that -relation-changed hooks will be sufficient to complete all configuration
that depends on remote unit settings.

Key value pairs for remote units that have departed remain accessible for the lifetime
of the relation.

"#;

/// `relation-get`'s Examples.
pub(crate) const RELATION_GET_EXAMPLES: &str = r#"
    # Getting the settings of the default unit in the default relation is done with:
    $ relation-get
    username: jim
    password: "12345"

    # To get a specific setting from the default remote unit in the default relation
    $ relation-get username
    jim

    # To get all settings from a particular remote unit in a particular relation you
    $ relation-get -r database:7 - mongodb/5
    username: bob
    password: 2db673e81ffa264c
"#;

/// `relation-set`'s Details, as Juju 3.6.0 prints them.
pub(crate) const RELATION_SET_DETAILS: &str = r#""relation-set" writes the local unit's settings for some relation.
If no relation is specified then the current relation is used. The
setting values are not inspected and are stored as strings. Setting
an empty string causes the setting to be removed. Duplicate settings
are not allowed.

If the unit is the leader, it can set the application settings using
"--app". These are visible to related applications via 'relation-get --app'
or by supplying the application name to 'relation-get' in place of
a unit name.

The --file option should be used when one or more key-value pairs are
too long to fit within the command length limit of the shell or
operating system. The file will contain a YAML map containing the
settings.  Settings in the file will be overridden by any duplicate
key-value arguments. A value of "-" for the filename means <stdin>.

Further details:
relation-set writes the local unit’s settings for some relation. If it’s not running in a
relation hook, -r needs to be specified. The value part of an argument is not inspected,
and is stored directly as a string. Setting an empty string causes the setting to be removed.

relation-set is the tool for communicating information between units of related applications.
By convention the charm that provides an interface is likely to set values, and a charm that
requires that interface will read values; but there is nothing enforcing this. Whatever
information you need to propagate for the remote charm to work must be propagated via relation-set,
with the single exception of the private-address key, which is always set before the unit joins.

For some charms you may wish to overwrite the private-address setting, for example if you’re
writing a charm that serves as a proxy for some external application. It is rarely a good idea
to remove that key though, as most charms expect that value to exist unconditionally and may
fail if it is not present.

All values are set in a transaction at the point when the hook terminates successfully
(i.e. the hook exit code is 0). At that point all changed values will be communicated to
the rest of the system, causing -changed hooks to run in all related units.

There is no way to write settings for any unit other than the local unit. However, any hook
on the local unit can write settings for any relation which the local unit is participating in.

"#;

/// `relation-set`'s Examples.
pub(crate) const RELATION_SET_EXAMPLES: &str = r#"
    relation-set port=80 tuning=default

    relation-set -r server:3 username=jim password=12345
"#;
