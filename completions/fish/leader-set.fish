complete -c leader-set -l file -d 'file containing key-value pairs (leaderd\'s addition)' -r -F
complete -c leader-set -s h -l help -d 'Show help on a command or other topic.'
# Live keys: the hook's sandboxed leader settings, from the unit agent (one request).
complete -c leader-set -f -n 'not string match -q -- "-*" (commandline -ct)' -a '(JUJUC_COMPLETE=keys leader-set 2>/dev/null)'
