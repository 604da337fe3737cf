complete -c k8s-spec-set -l file -d 'file containing pod spec' -r -F
complete -c k8s-spec-set -l k8s-resources -d 'file containing k8s specific resources not yet modelled by Juju' -r -F
complete -c k8s-spec-set -s h -l help -d 'Show help on a command or other topic.'
