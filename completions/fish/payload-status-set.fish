complete -c payload-status-set -s h -l help -d 'Show help on a command or other topic.'
