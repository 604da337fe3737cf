complete -c close-port -l endpoints -d 'a comma-delimited list of application endpoints to target with this operation' -r
complete -c close-port -l format -d 'deprecated format flag' -r
complete -c close-port -s h -l help -d 'Show help on a command or other topic.'
