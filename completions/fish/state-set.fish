complete -c state-set -l file -d 'file containing key-value pairs' -r -F
complete -c state-set -s h -l help -d 'Show help on a command or other topic.'
