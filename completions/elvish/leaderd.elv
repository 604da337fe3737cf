
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
            cand exec 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
            cand status 'Show the applications and units of a running `up`'
            cand generate 'Write the shell completions (completions/) and man pages (man/) into DIR'
            cand completions 'Print the completion script of every hook tool and of leaderd for one shell'
            cand agent 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints'
            cand controller 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
            cand token 'Print the token a unit (or, with --operator, the operator) presents to the controller'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leaderd;up'= {
            cand --charm 'The charm directory (default: the bundled example charm, shared-secret)'
            cand --app 'The application name (default: the charm''s metadata.yaml name)'
            cand --units 'How many units'
            cand --state 'State directory (default: $LEADERD_STATE, else .leaderd here)'
            cand --lease-guarantee 'The leadership guarantee; leases are claimed for twice this'
            cand --controllers 'How many controllers: one active, the others standing by (more than one needs --etcd)'
            cand --etcd 'The controllers'' store: etcd at ENDPOINTS (http://H1:2379,...[/PREFIX]), or `local` (`local:M`: M members) to start etcd from PATH in the state directory. Default: SQLite'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;exec'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --unit 'The unit, like app/0, or app/leader'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'leaderd;status'= {
            cand --state 'State directory of the `up` (default: $LEADERD_STATE, else .leaderd here)'
            cand --format 'format'
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
            cand --header-timeout 'How long a request (headers and body, from its first byte) or a TLS handshake may take'
            cand --idle-timeout 'How long a connection with no request in progress stays open'
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
            cand exec 'Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader)'
            cand status 'Show the applications and units of a running `up`'
            cand generate 'Write the shell completions (completions/) and man pages (man/) into DIR'
            cand completions 'Print the completion script of every hook tool and of leaderd for one shell'
            cand agent 'Run one unit''s agent: leadership tracker, hook runner, hook and exec endpoints'
            cand controller 'Run a controller: leases with fencing terms, the leader-settings buckets, watches'
            cand token 'Print the token a unit (or, with --operator, the operator) presents to the controller'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leaderd;help;up'= {
        }
        &'leaderd;help;exec'= {
        }
        &'leaderd;help;status'= {
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
