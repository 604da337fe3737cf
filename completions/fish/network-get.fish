complete -c network-get -l format -d 'Specify output format (json|smart|yaml)' -r -f -a "json\t''
smart\t''
yaml\t''"
complete -c network-get -s o -l output -d 'Specify an output file' -r -F
complete -c network-get -l primary-address -d '(deprecated) get the primary address for the binding' -r -f -a "true\t''
false\t''"
complete -c network-get -l bind-address -d 'get the address for the binding on which the unit should listen' -r -f -a "true\t''
false\t''"
complete -c network-get -l ingress-address -d 'get the ingress address for the binding' -r -f -a "true\t''
false\t''"
complete -c network-get -l egress-subnets -d 'get the egress subnets for the binding' -r -f -a "true\t''
false\t''"
complete -c network-get -s r -l relation -d 'specify a relation by id' -r
complete -c network-get -s h -l help -d 'Show help on a command or other topic.'
