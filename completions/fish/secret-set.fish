complete -c secret-set -l expire -d 'either a duration or time when the secret should expire' -r
complete -c secret-set -l rotate -d 'the secret rotation policy' -r
complete -c secret-set -l description -d 'the secret description' -r
complete -c secret-set -l label -d 'a label used to identify the secret in hooks' -r
complete -c secret-set -l file -d 'a YAML file containing secret key values' -r -F
complete -c secret-set -l owner -d 'the owner of the secret, either the application or unit' -r
complete -c secret-set -s h -l help -d 'Show help on a command or other topic.'
