complete -c status-set -l application -d 'set this status for the application to which the unit belongs if the unit is the leader' -r -f -a "true\t''
false\t''"
complete -c status-set -s h -l help -d 'Show help on a command or other topic.'
