# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_leaderd_global_optspecs
    string join \n h/help V/version
end

function __fish_leaderd_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_leaderd_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_leaderd_using_subcommand
    set -l cmd (__fish_leaderd_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c leaderd -n "__fish_leaderd_needs_command" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_needs_command" -s V -l version -d 'Print version'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "up" -d 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "config" -d 'Show or change an application\'s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "resolve" -d 'Resolve a unit\'s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "exec" -d 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "run" -d 'Run an action on units (juju run): the charm\'s actions.yaml action with its parameters'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "show-task" -d 'Show a task of an operation (juju show-task)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "show-operation" -d 'Show an operation and its tasks (juju show-operation)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "operations" -d 'List the operations\' tasks (juju operations)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "status" -d 'Show the applications and units of a running `up`'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "kill" -d 'Kill a unit\'s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "pause" -d 'Pause a unit\'s agent and its hooks (SIGSTOP), or a controller'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "resume" -d 'Resume a paused unit (SIGCONT), or a controller'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "restart" -d 'Start a unit\'s agent (or a controller) again, as before: same command line, a fresh token'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "revoke" -d 'Revoke an application\'s lease: the leader may not renew, so another unit leads at its expiry'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "elect" -d 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "add-unit" -d 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "refresh" -d 'Replace the charm of a running `up`\'s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "remove-unit" -d 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "debug-log" -d 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "timeline" -d 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "show-unit" -d 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "payloads" -d 'Show the payloads the units of a running `up` registered (as `juju payloads`)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "secrets" -d 'List the secrets of a running `up` (as `juju secrets`): every charm\'s and the operator\'s'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "show-secret" -d 'Show a secret\'s details (as `juju show-secret`); --reveal shows its content'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "add-secret" -d 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "update-secret" -d 'Update a user secret (as `juju update-secret`): new content makes a new revision'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "remove-secret" -d 'Remove a user secret, or one revision of it (as `juju remove-secret`)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "grant-secret" -d 'Grant applications access to view a user secret (as `juju grant-secret`)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "revoke-secret" -d 'Revoke applications\' access to view a user secret (as `juju revoke-secret`)'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "generate" -d 'Write the shell completions (completions/) and man pages (man/) into DIR'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "completions" -d 'Print the completion script of every hook tool and of leaderd for one shell'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "agent" -d 'Run one unit\'s agent: leadership tracker, hook runner, hook and exec endpoints'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "controller" -d 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "token" -d 'Print the token a unit (or, with --operator, the operator) presents to the controller'
complete -c leaderd -n "__fish_leaderd_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l charm -d 'The charm: a directory, a charmcraft.yaml source directory, or a packed .charm file (default: the bundled example charm, shared-secret)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l app -d 'The application name (default: the charm\'s metadata.yaml name)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l units -d 'How many units' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l state -d 'State directory (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l lease-guarantee -d 'The leadership guarantee; leases are claimed for twice this' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l config -d 'Config at deploy, as Juju\'s `deploy --config`: KEY=VALUE, or a YAML FILE in Juju\'s format (the application name mapped to its options\' values); repeatable, files first. A file keeps secret values out of up\'s arguments, which every user can read' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l config-file -d 'A config file at deploy, as `--config FILE`' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l controllers -d 'How many controllers: one active, the others standing by (more than one needs --etcd)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l etcd -d 'The controllers\' store: etcd at ENDPOINTS (http://H1:2379,...[/PREFIX]), or `local` (`local:M`: M members) to start etcd from PATH in the state directory. Default: SQLite' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l log-level -d 'The least level of the events printed, one of [TRACE, DEBUG, INFO, WARNING, ERROR]: DEBUG adds the hooks\' stdout and charms\' DEBUG juju-log lines (ops logs each event at DEBUG). The event log keeps everything (`leaderd debug-log`)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l update-status-interval -d 'How often update-status runs once the unit has started (Juju\'s default: 5m)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l hook-retry -d 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)' -r -f -a "on\t''
off\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l hook-retry-delay -d 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l hook-retry-max -d 'The longest pause between retries (Juju: 5m)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l resource -d 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l ready-fd -d 'A descriptor to write `ready` on once up.socket answers (then closed)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -l host -d 'A model\'s host (what `juju add-model` starts): no application; `juju deploy` adds them through up.socket'
complete -c leaderd -n "__fish_leaderd_using_subcommand up" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand config" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand config" -l format -r -f -a "yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand config" -l reset -d 'Reset options to their defaults (comma-separated; repeatable)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand config" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand resolve" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand resolve" -l no-retry -d 'Do not run the failed hook again'
complete -c leaderd -n "__fish_leaderd_using_subcommand resolve" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand exec" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand exec" -l unit -d 'The unit, like app/0, or app/leader' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand exec" -l format -d 'plain (default): the command runs here in the unit\'s hook context, its output and exit code passed through; json or yaml: it runs on the unit as juju exec runs it, and prints juju exec\'s shape' -r -f -a "plain\t''
json\t''
yaml\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand exec" -l wait -d 'With --format json|yaml: how long to wait (default 5m, as juju exec)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand exec" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l format -d 'Output format' -r -f -a "plain\t''
yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l wait -d 'How long to wait for the results (default 60s; the tasks carry on after)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l params -d 'A YAML file of parameters (the key=value arguments override it)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l background -d 'Schedule the tasks and return at once'
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l string-args -d 'Take key=value values as strings, not YAML'
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -l quiet -d 'Print no progress on stderr'
complete -c leaderd -n "__fish_leaderd_using_subcommand run" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-task" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand show-task" -l format -d 'Output format' -r -f -a "plain\t''
yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand show-task" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -l format -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -l wait -d 'Wait for results (0: until the operation ends)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -l watch -d 'Wait indefinitely for results'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -l utc -d 'Show times in UTC (they always are)'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-operation" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand operations" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand operations" -l format -d 'Output format' -r -f -a "yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand operations" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand status" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand status" -l format -r -f -a "table\t''
json\t''
yaml\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand status" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand kill" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand kill" -l controller -d 'The controller: the only one, or the one active now when `up` runs several'
complete -c leaderd -n "__fish_leaderd_using_subcommand kill" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand pause" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand pause" -l controller -d 'The controller: the only one, or the one active now when `up` runs several'
complete -c leaderd -n "__fish_leaderd_using_subcommand pause" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand resume" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand resume" -l controller -d 'The controller: the only one, or the one active now when `up` runs several'
complete -c leaderd -n "__fish_leaderd_using_subcommand resume" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand restart" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand restart" -l controller -d 'The controller: the only one, or the one active now when `up` runs several'
complete -c leaderd -n "__fish_leaderd_using_subcommand restart" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand revoke" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand revoke" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand elect" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand elect" -l no-wait -d 'Return at once instead of waiting for the unit to lead'
complete -c leaderd -n "__fish_leaderd_using_subcommand elect" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand add-unit" -s n -l num-units -d 'How many units' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand add-unit" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand add-unit" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand refresh" -l path -d 'The new charm: a directory, a charmcraft.yaml source directory, or a packed .charm file' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand refresh" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand refresh" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-unit" -l wait -d 'How long to wait for its hooks to finish' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-unit" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-unit" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -s i -l include -l unit -d 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up\'s own); repeatable' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -s x -l exclude -d 'Do not show log messages for these entities; repeatable' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -s l -l level -d 'Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -s n -l lines -d 'Show this many of the most recent (possibly filtered) lines, and continue to append' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l limit -d 'Exit once this many of the most recent (possibly filtered) lines are shown' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l format -d 'text: Juju\'s lines; json: the log\'s own records, one per line' -r -f -a "text\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l replay -d 'Show the entire (possibly filtered) log and continue to append'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l no-tail -d 'Stop after returning existing log messages'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l tail -l follow -d 'Wait for new logs (the default when stdout is a terminal)'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l date -d 'Show dates as well as times'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -l ms -d 'Show times to millisecond precision'
complete -c leaderd -n "__fish_leaderd_using_subcommand debug-log" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand timeline" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand timeline" -l format -d 'text: a compact picture for a terminal; svg: a static picture (for bug reports); html: one self-contained page with hover details and zoom' -r -f -a "text\t''
svg\t''
html\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand timeline" -s o -l output -d 'Write to FILE instead of stdout (0600; replaced whole)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand timeline" -l width -d 'Columns for the text picture\'s time axis. (In a terminal, terms are coloured unless NO_COLOR is set.)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand timeline" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-unit" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand show-unit" -l format -r -f -a "yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand show-unit" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand payloads" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand payloads" -l format -r -f -a "tabular\t''
yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand payloads" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand secrets" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand secrets" -l owner -d 'Include secrets for the specified owner (a tag: application-APP, unit-APP-N, model-...)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand secrets" -l format -r -f -a "tabular\t''
yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand secrets" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -s r -l revision -d 'Show a specific revision (defaults to latest)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -l format -r -f -a "yaml\t''
json\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -l reveal -d 'Reveal secret values, applicable to yaml or json formats only'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -l revisions -d 'Show the secret revisions metadata'
complete -c leaderd -n "__fish_leaderd_using_subcommand show-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand add-secret" -l info -d 'The secret description' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand add-secret" -l file -d 'A YAML file containing secret key values' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand add-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand add-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand update-secret" -l info -d 'The secret description' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand update-secret" -l file -d 'A YAML file containing secret key values' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand update-secret" -l name -d 'The new secret name' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand update-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand update-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-secret" -l revision -d 'Remove the specified revision' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand remove-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand grant-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand grant-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand revoke-secret" -l state -d 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand revoke-secret" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand generate" -l out -d 'The repository root (or wherever completions/ and man/ should go)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand generate" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand completions" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l unit -d 'The unit, like app/0' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l controller -d 'The controller\'s URL, like https://127.0.0.1:7480; repeat it for several controllers on etcd (the agent follows the active one)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l controller-ca -d 'The CA certificate (PEM) the controller\'s certificate must chain to; the system\'s roots are not trusted (the controller\'s TLS directory has it as ca.pem)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l charm -d 'The charm directory the hooks come from (the unit\'s own copy)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l state -d 'The agent\'s state directory (created 0700): sockets, tools, uniter state' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l token -d 'The unit\'s token (see `leaderd token`)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l lease-guarantee -d 'The leadership guarantee; the lease is claimed for twice this' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l jujuc -d 'The jujuc binary the hook tools link to (default: next to leaderd)' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l event-log -d 'Append this unit\'s events (leadership, hooks, their output, juju-log) to this JSON-lines file, as `leaderd up` does in <state>/events.jsonl' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l log-level -d 'The least level of the events printed on stdout, one of [TRACE, DEBUG, INFO, WARNING, ERROR]; the event log keeps everything' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l header-timeout -d 'How long a request (headers and body, from its first byte) or a TLS handshake may take' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l idle-timeout -d 'How long a connection with no request in progress stays open' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l update-status-interval -d 'How often update-status runs once the unit has started (Juju\'s default: 5m)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l hook-retry -d 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)' -r -f -a "on\t''
off\t''"
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l hook-retry-delay -d 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l hook-retry-max -d 'The longest pause between retries (Juju: 5m)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l resource -d 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -l insecure-http -d 'Talk to an http:// controller without TLS: the token crosses the network unencrypted'
complete -c leaderd -n "__fish_leaderd_using_subcommand agent" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l listen -d 'Address to listen on (loopback only by default)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l listen-fd -d 'Serve on this inherited, already listening TCP socket instead of binding --listen' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l tls-dir -d 'TLS directory: ca.pem, ca.key, controller.pem, controller.key; a CA and a certificate for 127.0.0.1 and localhost (and the --listen address) are created in it (0700, files 0600) if it has none. Agents take its ca.pem as --controller-ca' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l tls-name -d 'Another name (DNS name or IP address) for the certificate made in --tls-dir, besides 127.0.0.1 and localhost; repeatable. Only used when the certificate is made' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l tls-cert -d 'Serve this certificate chain (PEM) instead of the TLS directory\'s' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l tls-key -d 'The private key (PEM) of --tls-cert' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l token-ttl -d 'How long a token the controller renews (POST /v1/token/renew) lives' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l max-connections -d 'Connections open at once (lowered to fit the open-file limit)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l header-timeout -d 'How long a request (headers and body, from its first byte) or a TLS handshake may take' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l idle-timeout -d 'How long a connection with no request in progress stays open' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l store -d 'Where state lives: sqlite:PATH (durable), memory (lost on exit), or etcd:http://H1:2379,http://H2:2379[/PREFIX] (several controllers, one active; needs a leaderd built with --features etcd)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l etcd-cacert -d 'The CA certificate (PEM) etcd\'s certificate must chain to' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l etcd-cert -d 'This controller\'s client certificate (PEM), for an etcd that requires one' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l etcd-key -d 'The private key (PEM) of --etcd-cert' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l etcd-session-ttl -d 'The etcd session TTL: how long after the active controller\'s last keepalive a standby takes over (whole seconds)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l advertise-url -d 'The URL agents reach this controller at, which standbys name when it is active (default: https://LISTEN-ADDRESS)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l secret-file -d 'The secret that unit and operator tokens are derived from; created (0600) if missing' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l min-lease -d 'Shortest lease a unit may claim' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l max-lease -d 'Longest lease a unit may claim; after a restart, persisted leaders are honoured this long' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -l insecure-http -d 'Serve plain HTTP, no TLS: tokens cross the network unencrypted'
complete -c leaderd -n "__fish_leaderd_using_subcommand controller" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand token" -l secret-file -d 'The controller\'s secret file' -r -F
complete -c leaderd -n "__fish_leaderd_using_subcommand token" -l ttl -d 'How long the token lives, at most 366 days (a running agent renews its own well before that)' -r
complete -c leaderd -n "__fish_leaderd_using_subcommand token" -l operator -d 'The operator\'s token (status, revoke)'
complete -c leaderd -n "__fish_leaderd_using_subcommand token" -s h -l help -d 'Print help'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "up" -d 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "config" -d 'Show or change an application\'s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "resolve" -d 'Resolve a unit\'s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "exec" -d 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "run" -d 'Run an action on units (juju run): the charm\'s actions.yaml action with its parameters'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "show-task" -d 'Show a task of an operation (juju show-task)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "show-operation" -d 'Show an operation and its tasks (juju show-operation)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "operations" -d 'List the operations\' tasks (juju operations)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "status" -d 'Show the applications and units of a running `up`'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "kill" -d 'Kill a unit\'s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "pause" -d 'Pause a unit\'s agent and its hooks (SIGSTOP), or a controller'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "resume" -d 'Resume a paused unit (SIGCONT), or a controller'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "restart" -d 'Start a unit\'s agent (or a controller) again, as before: same command line, a fresh token'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "revoke" -d 'Revoke an application\'s lease: the leader may not renew, so another unit leads at its expiry'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "elect" -d 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "add-unit" -d 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "refresh" -d 'Replace the charm of a running `up`\'s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "remove-unit" -d 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "debug-log" -d 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "timeline" -d 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "show-unit" -d 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "payloads" -d 'Show the payloads the units of a running `up` registered (as `juju payloads`)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "secrets" -d 'List the secrets of a running `up` (as `juju secrets`): every charm\'s and the operator\'s'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "show-secret" -d 'Show a secret\'s details (as `juju show-secret`); --reveal shows its content'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "add-secret" -d 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "update-secret" -d 'Update a user secret (as `juju update-secret`): new content makes a new revision'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "remove-secret" -d 'Remove a user secret, or one revision of it (as `juju remove-secret`)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "grant-secret" -d 'Grant applications access to view a user secret (as `juju grant-secret`)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "revoke-secret" -d 'Revoke applications\' access to view a user secret (as `juju revoke-secret`)'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "generate" -d 'Write the shell completions (completions/) and man pages (man/) into DIR'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "completions" -d 'Print the completion script of every hook tool and of leaderd for one shell'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "agent" -d 'Run one unit\'s agent: leadership tracker, hook runner, hook and exec endpoints'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "controller" -d 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "token" -d 'Print the token a unit (or, with --operator, the operator) presents to the controller'
complete -c leaderd -n "__fish_leaderd_using_subcommand help; and not __fish_seen_subcommand_from up config resolve exec run show-task show-operation operations status kill pause resume restart revoke elect add-unit refresh remove-unit debug-log timeline show-unit payloads secrets show-secret add-secret update-secret remove-secret grant-secret revoke-secret generate completions agent controller token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
