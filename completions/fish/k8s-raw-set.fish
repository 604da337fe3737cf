complete -c k8s-raw-set -l file -d 'file containing k8s raw spec' -r -F
complete -c k8s-raw-set -s h -l help -d 'Show help on a command or other topic.'
