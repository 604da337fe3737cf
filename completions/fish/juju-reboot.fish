complete -c juju-reboot -l now -d 'reboot immediately, killing the invoking process' -r -f -a "true\t''
false\t''"
complete -c juju-reboot -s h -l help -d 'Show help on a command or other topic.'
