
use builtin;
use str;

set edit:completion:arg-completer[pod-spec-set] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pod-spec-set'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pod-spec-set'= {
            cand --file 'file containing pod spec'
            cand --k8s-resources 'file containing k8s specific resources not yet modelled by Juju'
            cand -h 'Show help on a command or other topic.'
            cand --help 'Show help on a command or other topic.'
        }
    ]
    $completions[$command]
}
