complete -c relation-set -l app -d 'pick whether you are setting "application" settings or "unit" settings' -r -f -a "true\t''
false\t''"
complete -c relation-set -l file -d 'file containing key-value pairs' -r -F
complete -c relation-set -l format -d 'deprecated format flag' -r
complete -c relation-set -s r -l relation -d 'specify a relation by id' -r
complete -c relation-set -s h -l help -d 'Show help on a command or other topic.'
