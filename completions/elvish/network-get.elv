
use builtin;
use str;

set edit:completion:arg-completer[network-get] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'network-get'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'network-get'= {
            cand --format 'Specify output format (json|smart|yaml)'
            cand -o 'Specify an output file'
            cand --output 'Specify an output file'
            cand --primary-address '(deprecated) get the primary address for the binding'
            cand --bind-address 'get the address for the binding on which the unit should listen'
            cand --ingress-address 'get the ingress address for the binding'
            cand --egress-subnets 'get the egress subnets for the binding'
            cand -r 'specify a relation by id'
            cand --relation 'specify a relation by id'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
