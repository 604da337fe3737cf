
use builtin;
use str;

set edit:completion:arg-completer[leaderd] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'leaderd'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'leaderd'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C'
            cand config 'Show or change an application''s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)'
            cand resolve 'Resolve a unit''s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on'
            cand exec 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
            cand run 'Run an action on units (juju run): the charm''s actions.yaml action with its parameters'
            cand show-task 'Show a task of an operation (juju show-task)'
            cand show-operation 'Show an operation and its tasks (juju show-operation)'
            cand operations 'List the operations'' tasks (juju operations)'
            cand status 'Show the applications and units of a running `up`'
            cand kill 'Kill a unit''s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`'
            cand pause 'Pause a unit''s agent and its hooks (SIGSTOP), or a controller'
            cand resume 'Resume a paused unit (SIGCONT), or a controller'
            cand restart 'Start a unit''s agent (or a controller) again, as before: same command line, a fresh token'
            cand revoke 'Revoke an application''s lease: the leader may not renew, so another unit leads at its expiry'
            cand elect 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)'
            cand add-unit 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)'
            cand refresh 'Replace the charm of a running `up`''s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm'
            cand remove-unit 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)'
            cand debug-log 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones'
            cand timeline 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers'
            cand show-unit 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)'
            cand payloads 'Show the payloads the units of a running `up` registered (as `juju payloads`)'
            cand secrets 'List the secrets of a running `up` (as `juju secrets`): every charm''s and the operator''s'
            cand show-secret 'Show a secret''s details (as `juju show-secret`); --reveal shows its content'
            cand add-secret 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID'
            cand update-secret 'Update a user secret (as `juju update-secret`): new content makes a new revision'
            cand remove-secret 'Remove a user secret, or one revision of it (as `juju remove-secret`)'
            cand grant-secret 'Grant applications access to view a user secret (as `juju grant-secret`)'
            cand revoke-secret 'Revoke applications'' access to view a user secret (as `juju revoke-secret`)'
            cand generate 'Write the shell completions (completions/) and man pages (man/) into DIR'
            cand completions 'Print the completion script of every hook tool and of leaderd for one shell'
            cand agent 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints'
            cand controller 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
            cand token 'Print the token a unit (or, with --operator, the operator) presents to the controller'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leaderd;up'= {
            cand --charm 'The charm: a directory, a charmcraft.yaml source directory, or a packed .charm file (default: the bundled example charm, shared-secret)'
            cand --app 'The application name (default: the charm''s metadata.yaml name)'
            cand --units 'How many units'
            cand --state 'State directory (default: $LEADERD_STATE, else .leaderd here)'
            cand --lease-guarantee 'The leadership guarantee; leases are claimed for twice this'
            cand --config 'Config at deploy, as Juju''s `deploy --config`: KEY=VALUE, or a YAML FILE in Juju''s format (the application name mapped to its options'' values); repeatable, files first. A file keeps secret values out of up''s arguments, which every user can read'
            cand --config-file 'A config file at deploy, as `--config FILE`'
            cand --controllers 'How many controllers: one active, the others standing by (more than one needs --etcd)'
            cand --etcd 'The controllers'' store: etcd at ENDPOINTS (http://H1:2379,...[/PREFIX]), or `local` (`local:M`: M members) to start etcd from PATH in the state directory. Default: SQLite'
            cand --log-level 'The least level of the events printed, one of [TRACE, DEBUG, INFO, WARNING, ERROR]: DEBUG adds the hooks'' stdout and charms'' DEBUG juju-log lines (ops logs each event at DEBUG). The event log keeps everything (`leaderd debug-log`)'
            cand --update-status-interval 'How often update-status runs once the unit has started (Juju''s default: 5m)'
            cand --hook-retry 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)'
            cand --hook-retry-delay 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)'
            cand --hook-retry-max 'The longest pause between retries (Juju: 5m)'
            cand --resource 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is'
            cand --ready-fd 'A descriptor to write `ready` on once up.socket answers (then closed)'
            cand --host 'A model''s host (what `juju add-model` starts): no application; `juju deploy` adds them through up.socket'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;config'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'format'
            cand --reset 'Reset options to their defaults (comma-separated; repeatable)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;resolve'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --no-retry 'Do not run the failed hook again'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;exec'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --unit 'The unit, like app/0, or app/leader'
            cand --format 'plain (default): the command runs here in the unit''s hook context, its output and exit code passed through; json or yaml: it runs on the unit as juju exec runs it, and prints juju exec''s shape'
            cand --wait 'With --format json|yaml: how long to wait (default 5m, as juju exec)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;run'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'Output format'
            cand --wait 'How long to wait for the results (default 60s; the tasks carry on after)'
            cand --params 'A YAML file of parameters (the key=value arguments override it)'
            cand --background 'Schedule the tasks and return at once'
            cand --string-args 'Take key=value values as strings, not YAML'
            cand --quiet 'Print no progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;show-task'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'Output format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;show-operation'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'Output format'
            cand --wait 'Wait for results (0: until the operation ends)'
            cand --watch 'Wait indefinitely for results'
            cand --utc 'Show times in UTC (they always are)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;operations'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'Output format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;status'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;kill'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --controller 'The controller: the only one, or the one active now when `up` runs several'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;pause'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --controller 'The controller: the only one, or the one active now when `up` runs several'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;resume'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --controller 'The controller: the only one, or the one active now when `up` runs several'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;restart'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --controller 'The controller: the only one, or the one active now when `up` runs several'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;revoke'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;elect'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --no-wait 'Return at once instead of waiting for the unit to lead'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;add-unit'= {
            cand -n 'How many units'
            cand --num-units 'How many units'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;refresh'= {
            cand --path 'The new charm: a directory, a charmcraft.yaml source directory, or a packed .charm file'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;remove-unit'= {
            cand --wait 'How long to wait for its hooks to finish'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;debug-log'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -i 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable'
            cand --include 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable'
            cand --unit 'Only show log messages for these entities: a unit (app/0 or unit-app-0), an application (all its units) or leaderd-up (up''s own); repeatable'
            cand -x 'Do not show log messages for these entities; repeatable'
            cand --exclude 'Do not show log messages for these entities; repeatable'
            cand -l 'Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE)'
            cand --level 'Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE)'
            cand -n 'Show this many of the most recent (possibly filtered) lines, and continue to append'
            cand --lines 'Show this many of the most recent (possibly filtered) lines, and continue to append'
            cand --limit 'Exit once this many of the most recent (possibly filtered) lines are shown'
            cand --format 'text: Juju''s lines; json: the log''s own records, one per line'
            cand --replay 'Show the entire (possibly filtered) log and continue to append'
            cand --no-tail 'Stop after returning existing log messages'
            cand --tail 'Wait for new logs (the default when stdout is a terminal)'
            cand --follow 'Wait for new logs (the default when stdout is a terminal)'
            cand --date 'Show dates as well as times'
            cand --ms 'Show times to millisecond precision'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;timeline'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'text: a compact picture for a terminal; svg: a static picture (for bug reports); html: one self-contained page with hover details and zoom'
            cand -o 'Write to FILE instead of stdout (0600; replaced whole)'
            cand --output 'Write to FILE instead of stdout (0600; replaced whole)'
            cand --width 'Columns for the text picture''s time axis. (In a terminal, terms are coloured unless NO_COLOR is set.)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;show-unit'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;payloads'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;secrets'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --owner 'Include secrets for the specified owner (a tag: application-APP, unit-APP-N, model-...)'
            cand --format 'format'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;show-secret'= {
            cand -r 'Show a specific revision (defaults to latest)'
            cand --revision 'Show a specific revision (defaults to latest)'
            cand --format 'format'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --reveal 'Reveal secret values, applicable to yaml or json formats only'
            cand --revisions 'Show the secret revisions metadata'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;add-secret'= {
            cand --info 'The secret description'
            cand --file 'A YAML file containing secret key values'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;update-secret'= {
            cand --info 'The secret description'
            cand --file 'A YAML file containing secret key values'
            cand --name 'The new secret name'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;remove-secret'= {
            cand --revision 'Remove the specified revision'
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;grant-secret'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;revoke-secret'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;generate'= {
            cand --out 'The repository root (or wherever completions/ and man/ should go)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;agent'= {
            cand --unit 'The unit, like app/0'
            cand --controller 'The controller''s URL, like https://127.0.0.1:7480; repeat it for several controllers on etcd (the agent follows the active one)'
            cand --controller-ca 'The CA certificate (PEM) the controller''s certificate must chain to; the system''s roots are not trusted (the controller''s TLS directory has it as ca.pem)'
            cand --charm 'The charm directory the hooks come from (the unit''s own copy)'
            cand --state 'The agent''s state directory (created 0700): sockets, tools, uniter state'
            cand --token 'The unit''s token (see `leaderd token`)'
            cand --lease-guarantee 'The leadership guarantee; the lease is claimed for twice this'
            cand --jujuc 'The jujuc binary the hook tools link to (default: next to leaderd)'
            cand --event-log 'Append this unit''s events (leadership, hooks, their output, juju-log) to this JSON-lines file, as `leaderd up` does in <state>/events.jsonl'
            cand --log-level 'The least level of the events printed on stdout, one of [TRACE, DEBUG, INFO, WARNING, ERROR]; the event log keeps everything'
            cand --header-timeout 'How long a request (headers and body, from its first byte) or a TLS handshake may take'
            cand --idle-timeout 'How long a connection with no request in progress stays open'
            cand --update-status-interval 'How often update-status runs once the unit has started (Juju''s default: 5m)'
            cand --hook-retry 'Retry failed hooks by themselves (on), or leave the unit in error state until `leaderd resolve` (off)'
            cand --hook-retry-delay 'The first pause before a failed hook is retried; each next one doubles (Juju: 5s)'
            cand --hook-retry-max 'The longest pause between retries (Juju: 5m)'
            cand --resource 'A file resource of the charm (again for more): each unit gets its own copy of PATH, and `resource-get NAME` prints where it is'
            cand --insecure-http 'Talk to an http:// controller without TLS: the token crosses the network unencrypted'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;controller'= {
            cand --listen 'Address to listen on (loopback only by default)'
            cand --listen-fd 'Serve on this inherited, already listening TCP socket instead of binding --listen'
            cand --tls-dir 'TLS directory: ca.pem, ca.key, controller.pem, controller.key; a CA and a certificate for 127.0.0.1 and localhost (and the --listen address) are created in it (0700, files 0600) if it has none. Agents take its ca.pem as --controller-ca'
            cand --tls-name 'Another name (DNS name or IP address) for the certificate made in --tls-dir, besides 127.0.0.1 and localhost; repeatable. Only used when the certificate is made'
            cand --tls-cert 'Serve this certificate chain (PEM) instead of the TLS directory''s'
            cand --tls-key 'The private key (PEM) of --tls-cert'
            cand --token-ttl 'How long a token the controller renews (POST /v1/token/renew) lives'
            cand --max-connections 'Connections open at once (lowered to fit the open-file limit)'
            cand --header-timeout 'How long a request (headers and body, from its first byte) or a TLS handshake may take'
            cand --idle-timeout 'How long a connection with no request in progress stays open'
            cand --store 'Where state lives: sqlite:PATH (durable), memory (lost on exit), or etcd:http://H1:2379,http://H2:2379[/PREFIX] (several controllers, one active; needs a leaderd built with --features etcd)'
            cand --etcd-cacert 'The CA certificate (PEM) etcd''s certificate must chain to'
            cand --etcd-cert 'This controller''s client certificate (PEM), for an etcd that requires one'
            cand --etcd-key 'The private key (PEM) of --etcd-cert'
            cand --etcd-session-ttl 'The etcd session TTL: how long after the active controller''s last keepalive a standby takes over (whole seconds)'
            cand --advertise-url 'The URL agents reach this controller at, which standbys name when it is active (default: https://LISTEN-ADDRESS)'
            cand --secret-file 'The secret that unit and operator tokens are derived from; created (0600) if missing'
            cand --min-lease 'Shortest lease a unit may claim'
            cand --max-lease 'Longest lease a unit may claim; after a restart, persisted leaders are honoured this long'
            cand --insecure-http 'Serve plain HTTP, no TLS: tokens cross the network unencrypted'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;token'= {
            cand --secret-file 'The controller''s secret file'
            cand --ttl 'How long the token lives, at most 366 days (a running agent renews its own well before that)'
            cand --operator 'The operator''s token (status, revoke)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;help'= {
            cand up 'Run an application locally: a controller and N unit agents for one charm, until Ctrl-C'
            cand config 'Show or change an application''s config (as `juju config`): APP shows every option, APP KEY one value, APP KEY=VALUE ... sets (KEY= resets)'
            cand resolve 'Resolve a unit''s failed hook (as `juju resolved`): run it again now, or with --no-retry take it as done and carry on'
            cand exec 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
            cand run 'Run an action on units (juju run): the charm''s actions.yaml action with its parameters'
            cand show-task 'Show a task of an operation (juju show-task)'
            cand show-operation 'Show an operation and its tasks (juju show-operation)'
            cand operations 'List the operations'' tasks (juju operations)'
            cand status 'Show the applications and units of a running `up`'
            cand kill 'Kill a unit''s agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`'
            cand pause 'Pause a unit''s agent and its hooks (SIGSTOP), or a controller'
            cand resume 'Resume a paused unit (SIGCONT), or a controller'
            cand restart 'Start a unit''s agent (or a controller) again, as before: same command line, a fresh token'
            cand revoke 'Revoke an application''s lease: the leader may not renew, so another unit leads at its expiry'
            cand elect 'Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry)'
            cand add-unit 'Add units to the application of a running `up` (new numbers: unit numbers are never reused)'
            cand refresh 'Replace the charm of a running `up`''s application (juju refresh --path): every unit runs upgrade-charm, then config-changed, from the new charm'
            cand remove-unit 'Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once)'
            cand debug-log 'Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones'
            cand timeline 'Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers'
            cand show-unit 'Show one unit of a running `up` with its relations and every bag it can see (the shape of `juju show-unit`)'
            cand payloads 'Show the payloads the units of a running `up` registered (as `juju payloads`)'
            cand secrets 'List the secrets of a running `up` (as `juju secrets`): every charm''s and the operator''s'
            cand show-secret 'Show a secret''s details (as `juju show-secret`); --reveal shows its content'
            cand add-secret 'Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID'
            cand update-secret 'Update a user secret (as `juju update-secret`): new content makes a new revision'
            cand remove-secret 'Remove a user secret, or one revision of it (as `juju remove-secret`)'
            cand grant-secret 'Grant applications access to view a user secret (as `juju grant-secret`)'
            cand revoke-secret 'Revoke applications'' access to view a user secret (as `juju revoke-secret`)'
            cand generate 'Write the shell completions (completions/) and man pages (man/) into DIR'
            cand completions 'Print the completion script of every hook tool and of leaderd for one shell'
            cand agent 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints'
            cand controller 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
            cand token 'Print the token a unit (or, with --operator, the operator) presents to the controller'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leaderd;help;up'= {
        }
        &'leaderd;help;config'= {
        }
        &'leaderd;help;resolve'= {
        }
        &'leaderd;help;exec'= {
        }
        &'leaderd;help;run'= {
        }
        &'leaderd;help;show-task'= {
        }
        &'leaderd;help;show-operation'= {
        }
        &'leaderd;help;operations'= {
        }
        &'leaderd;help;status'= {
        }
        &'leaderd;help;kill'= {
        }
        &'leaderd;help;pause'= {
        }
        &'leaderd;help;resume'= {
        }
        &'leaderd;help;restart'= {
        }
        &'leaderd;help;revoke'= {
        }
        &'leaderd;help;elect'= {
        }
        &'leaderd;help;add-unit'= {
        }
        &'leaderd;help;refresh'= {
        }
        &'leaderd;help;remove-unit'= {
        }
        &'leaderd;help;debug-log'= {
        }
        &'leaderd;help;timeline'= {
        }
        &'leaderd;help;show-unit'= {
        }
        &'leaderd;help;payloads'= {
        }
        &'leaderd;help;secrets'= {
        }
        &'leaderd;help;show-secret'= {
        }
        &'leaderd;help;add-secret'= {
        }
        &'leaderd;help;update-secret'= {
        }
        &'leaderd;help;remove-secret'= {
        }
        &'leaderd;help;grant-secret'= {
        }
        &'leaderd;help;revoke-secret'= {
        }
        &'leaderd;help;generate'= {
        }
        &'leaderd;help;completions'= {
        }
        &'leaderd;help;agent'= {
        }
        &'leaderd;help;controller'= {
        }
        &'leaderd;help;token'= {
        }
        &'leaderd;help;help'= {
        }
    ]
    $completions[$command]
}
