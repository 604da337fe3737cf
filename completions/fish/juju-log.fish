complete -c juju-log -l debug -d 'log at debug level' -r -f -a "true\t''
false\t''"
complete -c juju-log -s l -l log-level -d 'Send log message at the given level' -r -f -a "TRACE\t''
DEBUG\t''
INFO\t''
WARNING\t''
ERROR\t''
CRITICAL\t''"
complete -c juju-log -l format -d 'deprecated format flag' -r
complete -c juju-log -s h -l help -d 'Show help on a command or other topic.'
