
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'leaderd' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'leaderd'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'leaderd' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show or change an application''s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Resolve a unit''s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an action on units (juju run): the charm''s actions.yaml action with its parameters')
            [CompletionResult]::new('show-task', 'show-task', [CompletionResultType]::ParameterValue, 'Show a task of an operation (juju show-task)')
            [CompletionResult]::new('show-operation', 'show-operation', [CompletionResultType]::ParameterValue, 'Show an operation and its tasks (juju show-operation)')
            [CompletionResult]::new('operations', 'operations', [CompletionResultType]::ParameterValue, 'List the operations'' tasks (juju operations)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the applications and units of a running `up`')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Kill a unit''s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a unit''s agent and its hooks (SIGSTOP), or a controller')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused unit (SIGCONT), or a controller')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Start a unit''s agent (or a controller) again, as before: same command line, a fresh token')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke an application''s lease: the leader may not renew, so another unit leads at its expiry')
            [CompletionResult]::new('elect', 'elect', [CompletionResultType]::ParameterValue, 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)')
            [CompletionResult]::new('add-unit', 'add-unit', [CompletionResultType]::ParameterValue, 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Replace the charm of a running `up`''s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm')
            [CompletionResult]::new('remove-unit', 'remove-unit', [CompletionResultType]::ParameterValue, 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)')
            [CompletionResult]::new('debug-log', 'debug-log', [CompletionResultType]::ParameterValue, 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers')
            [CompletionResult]::new('show-unit', 'show-unit', [CompletionResultType]::ParameterValue, 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)')
            [CompletionResult]::new('payloads', 'payloads', [CompletionResultType]::ParameterValue, 'Show the payloads the units of a running `up` registered (as `juju payloads`)')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'List the secrets of a running `up` (as `juju secrets`): every charm''s and the operator''s')
            [CompletionResult]::new('show-secret', 'show-secret', [CompletionResultType]::ParameterValue, 'Show a secret''s details (as `juju show-secret`); --reveal shows its content')
            [CompletionResult]::new('add-secret', 'add-secret', [CompletionResultType]::ParameterValue, 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID')
            [CompletionResult]::new('update-secret', 'update-secret', [CompletionResultType]::ParameterValue, 'Update a user secret (as `juju update-secret`): new content makes a new revision')
            [CompletionResult]::new('remove-secret', 'remove-secret', [CompletionResultType]::ParameterValue, 'Remove a user secret, or one revision of it (as `juju remove-secret`)')
            [CompletionResult]::new('grant-secret', 'grant-secret', [CompletionResultType]::ParameterValue, 'Grant applications access to view a user secret (as `juju grant-secret`)')
            [CompletionResult]::new('revoke-secret', 'revoke-secret', [CompletionResultType]::ParameterValue, 'Revoke applications'' access to view a user secret (as `juju revoke-secret`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the shell completions (completions/) and man pages (man/) into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script of every hook tool and of leaderd for one shell')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints')
            [CompletionResult]::new('controller', 'controller', [CompletionResultType]::ParameterValue, 'Run a controller: leases with fencing terms, the leader-settings buckets, watches')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the token a unit (or, with --operator, the operator) presents to the controller')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leaderd;up' {
            [CompletionResult]::new('--charm', '--charm', [CompletionResultType]::ParameterName, 'The charm: a directory, a charmcraft.yaml source directory, or a packed .charm file (default: the bundled example charm, shared-secret)')
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'The application name (default: the charm''s metadata.yaml name)')
            [CompletionResult]::new('--units', '--units', [CompletionResultType]::ParameterName, 'How many units')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--lease-guarantee', '--lease-guarantee', [CompletionResultType]::ParameterName, 'The leadership guarantee; leases are claimed for twice this')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config at deploy, as Juju''s `deploy --config`: KEY=VALUE, or a YAML FILE in Juju''s format (the application name mapped to its options'' values); repeatable, files first. A file keeps secret values out of up''s arguments, which every user can read')
            [CompletionResult]::new('--config-file', '--config-file', [CompletionResultType]::ParameterName, 'A config file at deploy, as `--config FILE`')
            [CompletionResult]::new('--controllers', '--controllers', [CompletionResultType]::ParameterName, 'How many controllers: one active, the others standing by (more than one needs --etcd)')
            [CompletionResult]::new('--etcd', '--etcd', [CompletionResultType]::ParameterName, 'The controllers'' store: etcd at ENDPOINTS (http://H1:2379,...[/PREFIX]), or `local` (`local:M`: M members) to start etcd from PATH in the state directory. Default: SQLite')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'The least level of the events printed, one of [TRACE, DEBUG, INFO, WARNING, ERROR]: DEBUG adds the hooks'' stdout and charms'' DEBUG juju-log lines (ops logs each event at DEBUG). The event log keeps everything (`leaderd debug-log`)')
            [CompletionResult]::new('--update-status-interval', '--update-status-interval', [CompletionResultType]::ParameterName, 'How often update-status runs once the unit has started (Juju''s default: 5m)')
            [CompletionResult]::new('--hook-retry', '--hook-retry', [CompletionResultType]::ParameterName, 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)')
            [CompletionResult]::new('--hook-retry-delay', '--hook-retry-delay', [CompletionResultType]::ParameterName, 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)')
            [CompletionResult]::new('--hook-retry-max', '--hook-retry-max', [CompletionResultType]::ParameterName, 'The longest pause between retries (Juju: 5m)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is')
            [CompletionResult]::new('--ready-fd', '--ready-fd', [CompletionResultType]::ParameterName, 'A descriptor to write `ready` on once up.socket answers (then closed)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A model''s host (what `juju add-model` starts): no application; `juju deploy` adds them through up.socket')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;config' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Reset options to their defaults (comma-separated; repeatable)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;resolve' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--no-retry', '--no-retry', [CompletionResultType]::ParameterName, 'Do not run the failed hook again')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;exec' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'The unit, like app/0, or app/leader')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'plain (default): the command runs here in the unit''s hook context, its output and exit code passed through; json or yaml: it runs on the unit as juju exec runs it, and prints juju exec''s shape')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --format json|yaml: how long to wait (default 5m, as juju exec)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;run' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for the results (default 60s; the tasks carry on after)')
            [CompletionResult]::new('--params', '--params', [CompletionResultType]::ParameterName, 'A YAML file of parameters (the key=value arguments override it)')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Schedule the tasks and return at once')
            [CompletionResult]::new('--string-args', '--string-args', [CompletionResultType]::ParameterName, 'Take key=value values as strings, not YAML')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;show-task' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;show-operation' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for results (0: until the operation ends)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Wait indefinitely for results')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC (they always are)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;operations' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;status' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;kill' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller: the only one, or the one active now when `up` runs several')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;pause' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller: the only one, or the one active now when `up` runs several')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;resume' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller: the only one, or the one active now when `up` runs several')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;restart' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller: the only one, or the one active now when `up` runs several')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;revoke' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;elect' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Return at once instead of waiting for the unit to lead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;add-unit' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many units')
            [CompletionResult]::new('--num-units', '--num-units', [CompletionResultType]::ParameterName, 'How many units')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;refresh' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The new charm: a directory, a charmcraft.yaml source directory, or a packed .charm file')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;remove-unit' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for its hooks to finish')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;debug-log' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Do not show log messages for these entities; repeatable')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Do not show log messages for these entities; repeatable')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE)')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show this many of the most recent (possibly filtered) lines, and continue to append')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Show this many of the most recent (possibly filtered) lines, and continue to append')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Exit once this many of the most recent (possibly filtered) lines are shown')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'text: Juju''s lines; json: the log''s own records, one per line')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Show the entire (possibly filtered) log and continue to append')
            [CompletionResult]::new('--no-tail', '--no-tail', [CompletionResultType]::ParameterName, 'Stop after returning existing log messages')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Wait for new logs (the default when stdout is a terminal)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Wait for new logs (the default when stdout is a terminal)')
            [CompletionResult]::new('--date', '--date', [CompletionResultType]::ParameterName, 'Show dates as well as times')
            [CompletionResult]::new('--ms', '--ms', [CompletionResultType]::ParameterName, 'Show times to millisecond precision')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;timeline' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'text: a compact picture for a terminal; svg: a static picture (for bug reports); html: one self-contained page with hover details and zoom')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (0600; replaced whole)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (0600; replaced whole)')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns for the text picture''s time axis. (In a terminal, terms are coloured unless NO_COLOR is set.)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;show-unit' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;payloads' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;secrets' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--owner', '--owner', [CompletionResultType]::ParameterName, 'Include secrets for the specified owner (a tag: application-APP, unit-APP-N, model-...)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;show-secret' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Show a specific revision (defaults to latest)')
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Show a specific revision (defaults to latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Reveal secret values, applicable to yaml or json formats only')
            [CompletionResult]::new('--revisions', '--revisions', [CompletionResultType]::ParameterName, 'Show the secret revisions metadata')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;add-secret' {
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'The secret description')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A YAML file containing secret key values')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;update-secret' {
            [CompletionResult]::new('--info', '--info', [CompletionResultType]::ParameterName, 'The secret description')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'A YAML file containing secret key values')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The new secret name')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;remove-secret' {
            [CompletionResult]::new('--revision', '--revision', [CompletionResultType]::ParameterName, 'Remove the specified revision')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;grant-secret' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;revoke-secret' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;generate' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The repository root (or wherever completions/ and man/ should go)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;agent' {
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'The unit, like app/0')
            [CompletionResult]::new('--controller', '--controller', [CompletionResultType]::ParameterName, 'The controller''s URL, like https://127.0.0.1:7480; repeat it for several controllers on etcd (the agent follows the active one)')
            [CompletionResult]::new('--controller-ca', '--controller-ca', [CompletionResultType]::ParameterName, 'The CA certificate (PEM) the controller''s certificate must chain to; the system''s roots are not trusted (the controller''s TLS directory has it as ca.pem)')
            [CompletionResult]::new('--charm', '--charm', [CompletionResultType]::ParameterName, 'The charm directory the hooks come from (the unit''s own copy)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'The agent''s state directory (created 0700): sockets, tools, uniter state')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The unit''s token (see `leaderd token`)')
            [CompletionResult]::new('--lease-guarantee', '--lease-guarantee', [CompletionResultType]::ParameterName, 'The leadership guarantee; the lease is claimed for twice this')
            [CompletionResult]::new('--jujuc', '--jujuc', [CompletionResultType]::ParameterName, 'The jujuc binary the hook tools link to (default: next to leaderd)')
            [CompletionResult]::new('--event-log', '--event-log', [CompletionResultType]::ParameterName, 'Append this unit''s events (leadership, hooks, their output, juju-log) to this JSON-lines file, as `leaderd up` does in <state>/events.jsonl')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'The least level of the events printed on stdout, one of [TRACE, DEBUG, INFO, WARNING, ERROR]; the event log keeps everything')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'How long a request (headers and body, from its first byte) or a TLS handshake may take')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'How long a connection with no request in progress stays open')
            [CompletionResult]::new('--update-status-interval', '--update-status-interval', [CompletionResultType]::ParameterName, 'How often update-status runs once the unit has started (Juju''s default: 5m)')
            [CompletionResult]::new('--hook-retry', '--hook-retry', [CompletionResultType]::ParameterName, 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)')
            [CompletionResult]::new('--hook-retry-delay', '--hook-retry-delay', [CompletionResultType]::ParameterName, 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)')
            [CompletionResult]::new('--hook-retry-max', '--hook-retry-max', [CompletionResultType]::ParameterName, 'The longest pause between retries (Juju: 5m)')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Talk to an http:// controller without TLS: the token crosses the network unencrypted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;controller' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback only by default)')
            [CompletionResult]::new('--listen-fd', '--listen-fd', [CompletionResultType]::ParameterName, 'Serve on this inherited, already listening TCP socket instead of binding --listen')
            [CompletionResult]::new('--tls-dir', '--tls-dir', [CompletionResultType]::ParameterName, 'TLS directory: ca.pem, ca.key, controller.pem, controller.key; a CA and a certificate for 127.0.0.1 and localhost (and the --listen address) are created in it (0700, files 0600) if it has none. Agents take its ca.pem as --controller-ca')
            [CompletionResult]::new('--tls-name', '--tls-name', [CompletionResultType]::ParameterName, 'Another name (DNS name or IP address) for the certificate made in --tls-dir, besides 127.0.0.1 and localhost; repeatable. Only used when the certificate is made')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve this certificate chain (PEM) instead of the TLS directory''s')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --tls-cert')
            [CompletionResult]::new('--token-ttl', '--token-ttl', [CompletionResultType]::ParameterName, 'How long a token the controller renews (POST /v1/token/renew) lives')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections open at once (lowered to fit the open-file limit)')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'How long a request (headers and body, from its first byte) or a TLS handshake may take')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'How long a connection with no request in progress stays open')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where state lives: sqlite:PATH (durable), memory (lost on exit), or etcd:http://H1:2379,http://H2:2379[/PREFIX] (several controllers, one active; needs a leaderd built with --features etcd)')
            [CompletionResult]::new('--etcd-cacert', '--etcd-cacert', [CompletionResultType]::ParameterName, 'The CA certificate (PEM) etcd''s certificate must chain to')
            [CompletionResult]::new('--etcd-cert', '--etcd-cert', [CompletionResultType]::ParameterName, 'This controller''s client certificate (PEM), for an etcd that requires one')
            [CompletionResult]::new('--etcd-key', '--etcd-key', [CompletionResultType]::ParameterName, 'The private key (PEM) of --etcd-cert')
            [CompletionResult]::new('--etcd-session-ttl', '--etcd-session-ttl', [CompletionResultType]::ParameterName, 'The etcd session TTL: how long after the active controller''s last keepalive a standby takes over (whole seconds)')
            [CompletionResult]::new('--advertise-url', '--advertise-url', [CompletionResultType]::ParameterName, 'The URL agents reach this controller at, which standbys name when it is active (default: https://LISTEN-ADDRESS)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'The secret that unit and operator tokens are derived from; created (0600) if missing')
            [CompletionResult]::new('--min-lease', '--min-lease', [CompletionResultType]::ParameterName, 'Shortest lease a unit may claim')
            [CompletionResult]::new('--max-lease', '--max-lease', [CompletionResultType]::ParameterName, 'Longest lease a unit may claim; after a restart, persisted leaders are honoured this long')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Serve plain HTTP, no TLS: tokens cross the network unencrypted')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;token' {
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'The controller''s secret file')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the token lives, at most 366 days (a running agent renews its own well before that)')
            [CompletionResult]::new('--operator', '--operator', [CompletionResultType]::ParameterName, 'The operator''s token (status, revoke)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'leaderd;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show or change an application''s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Resolve a unit''s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run an action on units (juju run): the charm''s actions.yaml action with its parameters')
            [CompletionResult]::new('show-task', 'show-task', [CompletionResultType]::ParameterValue, 'Show a task of an operation (juju show-task)')
            [CompletionResult]::new('show-operation', 'show-operation', [CompletionResultType]::ParameterValue, 'Show an operation and its tasks (juju show-operation)')
            [CompletionResult]::new('operations', 'operations', [CompletionResultType]::ParameterValue, 'List the operations'' tasks (juju operations)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the applications and units of a running `up`')
            [CompletionResult]::new('kill', 'kill', [CompletionResultType]::ParameterValue, 'Kill a unit''s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Pause a unit''s agent and its hooks (SIGSTOP), or a controller')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume a paused unit (SIGCONT), or a controller')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Start a unit''s agent (or a controller) again, as before: same command line, a fresh token')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke an application''s lease: the leader may not renew, so another unit leads at its expiry')
            [CompletionResult]::new('elect', 'elect', [CompletionResultType]::ParameterValue, 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)')
            [CompletionResult]::new('add-unit', 'add-unit', [CompletionResultType]::ParameterValue, 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Replace the charm of a running `up`''s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm')
            [CompletionResult]::new('remove-unit', 'remove-unit', [CompletionResultType]::ParameterValue, 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)')
            [CompletionResult]::new('debug-log', 'debug-log', [CompletionResultType]::ParameterValue, 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers')
            [CompletionResult]::new('show-unit', 'show-unit', [CompletionResultType]::ParameterValue, 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)')
            [CompletionResult]::new('payloads', 'payloads', [CompletionResultType]::ParameterValue, 'Show the payloads the units of a running `up` registered (as `juju payloads`)')
            [CompletionResult]::new('secrets', 'secrets', [CompletionResultType]::ParameterValue, 'List the secrets of a running `up` (as `juju secrets`): every charm''s and the operator''s')
            [CompletionResult]::new('show-secret', 'show-secret', [CompletionResultType]::ParameterValue, 'Show a secret''s details (as `juju show-secret`); --reveal shows its content')
            [CompletionResult]::new('add-secret', 'add-secret', [CompletionResultType]::ParameterValue, 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID')
            [CompletionResult]::new('update-secret', 'update-secret', [CompletionResultType]::ParameterValue, 'Update a user secret (as `juju update-secret`): new content makes a new revision')
            [CompletionResult]::new('remove-secret', 'remove-secret', [CompletionResultType]::ParameterValue, 'Remove a user secret, or one revision of it (as `juju remove-secret`)')
            [CompletionResult]::new('grant-secret', 'grant-secret', [CompletionResultType]::ParameterValue, 'Grant applications access to view a user secret (as `juju grant-secret`)')
            [CompletionResult]::new('revoke-secret', 'revoke-secret', [CompletionResultType]::ParameterValue, 'Revoke applications'' access to view a user secret (as `juju revoke-secret`)')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write the shell completions (completions/) and man pages (man/) into DIR')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script of every hook tool and of leaderd for one shell')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints')
            [CompletionResult]::new('controller', 'controller', [CompletionResultType]::ParameterValue, 'Run a controller: leases with fencing terms, the leader-settings buckets, watches')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Print the token a unit (or, with --operator, the operator) presents to the controller')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leaderd;help;up' {
            break
        }
        'leaderd;help;config' {
            break
        }
        'leaderd;help;resolve' {
            break
        }
        'leaderd;help;exec' {
            break
        }
        'leaderd;help;run' {
            break
        }
        'leaderd;help;show-task' {
            break
        }
        'leaderd;help;show-operation' {
            break
        }
        'leaderd;help;operations' {
            break
        }
        'leaderd;help;status' {
            break
        }
        'leaderd;help;kill' {
            break
        }
        'leaderd;help;pause' {
            break
        }
        'leaderd;help;resume' {
            break
        }
        'leaderd;help;restart' {
            break
        }
        'leaderd;help;revoke' {
            break
        }
        'leaderd;help;elect' {
            break
        }
        'leaderd;help;add-unit' {
            break
        }
        'leaderd;help;refresh' {
            break
        }
        'leaderd;help;remove-unit' {
            break
        }
        'leaderd;help;debug-log' {
            break
        }
        'leaderd;help;timeline' {
            break
        }
        'leaderd;help;show-unit' {
            break
        }
        'leaderd;help;payloads' {
            break
        }
        'leaderd;help;secrets' {
            break
        }
        'leaderd;help;show-secret' {
            break
        }
        'leaderd;help;add-secret' {
            break
        }
        'leaderd;help;update-secret' {
            break
        }
        'leaderd;help;remove-secret' {
            break
        }
        'leaderd;help;grant-secret' {
            break
        }
        'leaderd;help;revoke-secret' {
            break
        }
        'leaderd;help;generate' {
            break
        }
        'leaderd;help;completions' {
            break
        }
        'leaderd;help;agent' {
            break
        }
        'leaderd;help;controller' {
            break
        }
        'leaderd;help;token' {
            break
        }
        'leaderd;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
